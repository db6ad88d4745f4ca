/// Why a control request body was refused: malformed JSON (with the byte offset) or a field of
/// the wrong shape. The message is sent back to the client in a 400 answer.
public struct ControlJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One sentence naming the problem, e.g. `expected ':' after an object key at byte 7`.
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
