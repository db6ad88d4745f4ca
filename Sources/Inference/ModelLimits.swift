/// Upper bounds of the hyper-parameters a bundle may declare (`…Params.validate`): far above any
/// model that runs at tick rate, low enough that every size, sum and product the loader computes from
/// them stays in range and every buffer is allocatable, whatever a config file says.
enum ModelLimits {
    /// Inputs, outputs, actions.
    static let features = 1 << 16
    /// Channels, n_d, n_a, hidden layer sizes.
    static let width = 1 << 12
    /// TabNet decision steps.
    static let steps = 64
    /// TabNet GLU layers per feature transformer (shared, independent).
    static let layers = 16
    /// TCN levels (dilations up to 2²³) and PPO hidden layers.
    static let levels = 24
    /// TCN kernel taps.
    static let kernel = 64
    /// TCN window (time steps).
    static let window = 1 << 16
}
