import Transport

/// How the simulator serves TLS.
public enum SimulatorTLS: Sendable, Hashable {
    /// Plain `ws://` and `http://`.
    case none
    /// `wss://` / `https://` with a self-signed certificate generated at start into `directory`.
    case selfSigned(directory: String)
    /// `wss://` / `https://` with the given files.
    case files(TLSFiles)
}
