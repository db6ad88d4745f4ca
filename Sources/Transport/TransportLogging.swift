import CLibWebSockets

/// Process-wide libwebsockets log level: errors and warnings only (lws logs through stderr;
/// per-event logging never happens on our paths).
enum TransportLogging {
    private static let configured: Bool = {
        lws_set_log_level(Int32(LLL_ERR) | Int32(LLL_WARN), nil)
        return true
    }()

    /// Applies the level once (thread-safe lazy static).
    static func configureOnce() { _ = configured }
}
