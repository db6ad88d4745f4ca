/// Why the host refused a plugin's intent before the risk gate (counted, never thrown).
@frozen
public enum IntentRejectReason: UInt8, BitwiseCopyable, Sendable, CaseIterable {
    /// The plugin reported more intents than the buffer's capacity.
    case countOverCapacity = 0
    case invalidAction
    case invalidSide
    case invalidKind
    case invalidTimeInForce
    case nonPositiveQuantity
    /// A limit order with price ≤ 0.
    case nonPositivePrice
    case unknownInstrument
}
