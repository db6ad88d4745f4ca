/// Identifies one websocket connection of a `WebSocketServer` (slot index + generation, so a stale
/// id never reaches a newer connection in the same slot).
public struct ServerConnectionId: Sendable, Hashable, CustomStringConvertible {
    public let raw: UInt64
    init(index: Int, generation: UInt32) { raw = UInt64(generation) << 16 | UInt64(index) }
    var index: Int { Int(raw & 0xFFFF) }
    var generation: UInt32 { UInt32(truncatingIfNeeded: raw >> 16) }
    public var description: String { "conn#\(index).\(generation)" }
}
