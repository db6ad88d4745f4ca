/// What an event did to the feature vector (hot-path result, never thrown).
@frozen
public enum FeatureUpdate: UInt8, BitwiseCopyable, Sendable {
    /// The vector was rewritten for this event.
    case updated
    /// A book event with an empty side: ignored and counted (`FeatureEngine.oneSidedBooks`).
    case ignoredOneSided
    /// A book event with best bid ≥ best ask: ignored and counted (`FeatureEngine.crossedBooks`).
    case ignoredCrossed
}
