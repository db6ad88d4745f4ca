/// The engine's behaviour behind a `ControlEndpoint`. Every closure runs on the endpoint's HTTP
/// service thread, one request at a time, so a slow closure delays the next request (never the
/// trading path); closures must not call `ControlEndpoint.stop()`.
public struct ControlHandlers: Sendable {
    /// `GET /metrics`: the body in Prometheus text exposition format 0.0.4 (check it with
    /// `PrometheusText.validate`).
    public var metrics: @Sendable () -> String
    /// `GET /status`: a JSON object.
    public var status: @Sendable () -> String
    /// `POST /mode` (authenticated): called with the request body, a JSON object already checked to
    /// carry a string `"mode"` and at most a boolean `"arm"`; decode it with
    /// `ControlModeRequest(json:)`. Unknown modes and refused switches are the closure's answer
    /// (e.g. `ControlResponse.error(400, ...)`, `409` when live is not armed).
    public var setMode: @Sendable (String) -> ControlResponse
    /// `POST /kill` (authenticated, body ignored): stop intents, cancel orders (flatten is the
    /// engine's choice). Should be idempotent: a second kill answers what the engine says.
    public var kill: @Sendable () -> ControlResponse
    /// `POST /plugins/swap` (authenticated): `path` is the body's `"path"` string, `configJSON` its
    /// `"config"` object re-serialized compactly (`{}` when absent).
    public var swapPlugin: @Sendable (_ path: String, _ configJSON: String) -> ControlResponse

    public init(
        metrics: @escaping @Sendable () -> String,
        status: @escaping @Sendable () -> String,
        setMode: @escaping @Sendable (String) -> ControlResponse,
        kill: @escaping @Sendable () -> ControlResponse,
        swapPlugin: @escaping @Sendable (_ path: String, _ configJSON: String) -> ControlResponse
    ) {
        self.metrics = metrics
        self.status = status
        self.setMode = setMode
        self.kill = kill
        self.swapPlugin = swapPlugin
    }
}
