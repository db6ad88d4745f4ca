/// The body of `POST /mode`: `{"mode": "paper"|"live"|"replay", "arm": true}` (`arm` optional,
/// default false). The endpoint checks the shape; which modes exist and whether a switch is
/// allowed (e.g. live only when armed) is the engine's decision.
public struct ControlModeRequest: Sendable, Hashable {
    /// The requested mode name, non-empty, as sent.
    public var mode: String
    /// Whether the client asks to arm live trading in the same request.
    public var arm: Bool

    public init(mode: String, arm: Bool = false) {
        self.mode = mode
        self.arm = arm
    }

    /// Decodes a body.
    /// - Throws: `ControlJSONError` for malformed JSON, a non-object, a missing or non-string or
    ///   empty `mode`, a non-boolean `arm`, or any other field.
    public init(json: String) throws(ControlJSONError) {
        try self.init(value: ControlJSON.parse(json))
    }

    /// Decodes an already parsed body (see `init(json:)`).
    public init(value: ControlJSON) throws(ControlJSONError) {
        guard case .object(let members) = value else { throw ControlJSONError("body must be a JSON object, got \(value.kindName)") }
        if let unknown = members.first(where: { $0.key != "mode" && $0.key != "arm" }) {
            throw ControlJSONError("unknown field \(ControlJSON.quoted(unknown.key)) (expected \"mode\" and optional \"arm\")")
        }
        guard let mode = value["mode"] else { throw ControlJSONError("missing field \"mode\"") }
        guard case .string(let name) = mode else { throw ControlJSONError("field \"mode\" must be a string, got \(mode.kindName)") }
        guard !name.isEmpty else { throw ControlJSONError("field \"mode\" is empty") }
        var arm = false
        if let flag = value["arm"] {
            guard case .bool(let b) = flag else { throw ControlJSONError("field \"arm\" must be a boolean, got \(flag.kindName)") }
            arm = b
        }
        self.init(mode: name, arm: arm)
    }
}
