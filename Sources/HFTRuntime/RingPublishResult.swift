/// What a non-blocking publish into a ring did. Never a silent drop: the caller decides per edge
/// (stop reading the socket, reject the intent, conflate) and counts it.
@frozen
public enum RingPublishResult: Sendable, Equatable {
    /// The event is in the ring and visible to the consumer.
    case published
    /// The ring is full; nothing was written.
    case backPressured
}
