/// Which kind of event produced an exported feature row.
public enum FeatureEventKind: UInt8, Sendable {
    case book = 0
    case trade = 1
}
