/// Why an HTTP request produced no response.
public enum HTTPClientError: Error, Sendable, Hashable {
    /// DNS, TCP, TLS (certificate rejected) or protocol failure before a response.
    case connectFailed(String)
    /// No complete response within the request's timeout.
    case timedOut
    /// The response body exceeded `maxResponseBytes`.
    case responseTooLarge
    /// The connection closed before the response was complete.
    case closedBeforeCompletion
    /// The client is not running, or was stopped with the request in flight.
    case cancelled
    /// The request cannot be sent as given (scheme, insecure TLS for a non-loopback host).
    case invalidRequest(String)
}
