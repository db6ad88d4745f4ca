/// The body of `POST /plugins/swap`: `{"path": "/abs/libX.so", "config": {...}}` (`config`
/// optional, default `{}`). Whether the file exists and loads is the engine's decision.
public struct ControlPluginSwapRequest: Sendable, Hashable {
    /// The plugin's path, non-empty, as sent.
    public var path: String
    /// The `config` object re-serialized without insignificant whitespace (`{}` when absent).
    public var configJSON: String

    public init(path: String, configJSON: String = "{}") {
        self.path = path
        self.configJSON = configJSON
    }

    /// Decodes a body.
    /// - Throws: `ControlJSONError` for malformed JSON, a non-object, a missing, non-string or
    ///   empty `path`, a `config` that is not an object, or any other field.
    public init(json: String) throws(ControlJSONError) {
        try self.init(value: ControlJSON.parse(json))
    }

    /// Decodes an already parsed body (see `init(json:)`).
    public init(value: ControlJSON) throws(ControlJSONError) {
        guard case .object(let members) = value else { throw ControlJSONError("body must be a JSON object, got \(value.kindName)") }
        if let unknown = members.first(where: { $0.key != "path" && $0.key != "config" }) {
            throw ControlJSONError("unknown field \(ControlJSON.quoted(unknown.key)) (expected \"path\" and optional \"config\")")
        }
        guard let path = value["path"] else { throw ControlJSONError("missing field \"path\"") }
        guard case .string(let p) = path else { throw ControlJSONError("field \"path\" must be a string, got \(path.kindName)") }
        guard !p.isEmpty else { throw ControlJSONError("field \"path\" is empty") }
        var config = "{}"
        if let c = value["config"] {
            guard case .object = c else { throw ControlJSONError("field \"config\" must be an object, got \(c.kindName)") }
            config = c.compact
        }
        self.init(path: p, configJSON: config)
    }
}
