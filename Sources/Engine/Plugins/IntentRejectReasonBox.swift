/// `IntentRejectReason` as an `Error` for `Result` (a trivial wrapper).
@frozen
public struct IntentRejectReasonBox: Error, BitwiseCopyable, Sendable, Equatable {
    public let reason: IntentRejectReason
    @inlinable public init(_ reason: IntentRejectReason) { self.reason = reason }
}
