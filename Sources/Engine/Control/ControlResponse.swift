/// The answer of a `ControlHandlers` closure: an HTTP status and a JSON body, sent as
/// `application/json`.
public struct ControlResponse: Sendable, Hashable {
    /// HTTP status, 100...599 (anything else is answered as 500 by the endpoint).
    public var status: Int
    /// A JSON document (normally an object).
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    /// `200 {"ok":true}` plus the given extra fields (values already JSON, e.g. `ControlJSON.quoted`).
    public static func ok(_ fields: KeyValuePairs<String, String> = [:]) -> ControlResponse {
        var body = #"{"ok":true"#
        for (key, value) in fields { body += ",\(ControlJSON.quoted(key)):\(value)" }
        return ControlResponse(status: 200, body: body + "}")
    }

    /// `status {"error":"<message>"}` with the message escaped as a JSON string.
    public static func error(_ status: Int, _ message: String) -> ControlResponse {
        ControlResponse(status: status, body: #"{"error":"# + ControlJSON.quoted(message) + "}")
    }
}
