/// Failures at the transport's boundaries (start-up, configuration, certificates). Never thrown on
/// the message path.
public enum TransportError: Error, Sendable, Hashable {
    /// `lws_create_context` (or `lws_create_vhost`) returned NULL: bad TLS files, port in use, no memory.
    case contextCreationFailed(String)
    /// The service thread could not be created (errno).
    case threadStartFailed(Int32)
    /// `allowInsecureLoopbackTLS` was set for a host that is not a loopback address.
    case insecureTLSRequiresLoopback(String)
    /// The URL's scheme does not fit the API (e.g. `http://` given to a websocket client).
    case unsupportedScheme(String)
    /// The `start()` was called twice, or after `stop()`.
    case alreadyStarted
    /// Generating a self-signed certificate failed.
    case certificateGenerationFailed(String)
}
