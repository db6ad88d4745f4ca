/// The model families a bundle can hold.
public enum ModelArch: String, Codable, Sendable, CaseIterable {
    /// locuslab `TemporalConvNet` + linear head.
    case tcn
    /// pytorch-tabnet `TabNetClassifier`.
    case tabnet
    /// stable-baselines3 `MlpPolicy` (PPO, A2C).
    case ppo
}
