/// One result of `HostAudit`: what a check saw, what the topology needs, and how to fix it.
public struct HostFinding: Sendable, Hashable {
    /// How much a finding matters. Ordered `ok < warn < fail`.
    public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
        /// The host is set up as the topology needs.
        case ok
        /// Worth changing: latency or jitter will suffer, or the setting cannot be read here.
        case warn
        /// The topology cannot run as chosen on this host (`hft tune check` exits 1).
        case fail

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

        private var rank: Int {
            switch self {
            case .ok: 0
            case .warn: 1
            case .fail: 2
            }
        }
    }

    /// How much this matters.
    public var severity: Severity
    /// Short check name (`isolation`, `governor`, `thp`, …), stable for scripts.
    public var check: String
    /// What the host shows, in words (e.g. `cpu1: powersave`, `not exposed`).
    public var observed: String
    /// What the topology needs.
    public var expected: String
    /// The exact change to make (a `Tuning/host/apply.sh …` call, a kernel command line parameter
    /// or a sysctl); `nil` when nothing needs changing or nothing on this host can change it.
    public var fix: String?

    public init(severity: Severity, check: String, observed: String, expected: String, fix: String? = nil) {
        self.severity = severity
        self.check = check
        self.observed = observed
        self.expected = expected
        self.fix = fix
    }
}
