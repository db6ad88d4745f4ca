/// A feature the scalper needs is not in the host's schema.
public struct MissingFeature: Error, Equatable, Sendable {
    public var name: String
}
