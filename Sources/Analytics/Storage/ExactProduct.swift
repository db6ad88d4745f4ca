/// Exact products of two `Int64`s: in `Int64` when the product fits (one hardware multiply, the
/// usual case for raw quantities, prices and permille factors), else in `Int128`, whose
/// multiplication is a call into the standard library (its symbols held ≈ 4 % of the feature
/// engine's samples in a `perf` profile of `AnalyticsBenchmarks` on the engine's config when
/// every wall, iceberg and notional product took it).
enum ExactProduct {
    /// Whether `a × x ≥ b × y`, exactly.
    @inline(__always)
    static func isAtLeast(_ a: Int64, times x: Int64, _ b: Int64, times y: Int64) -> Bool {
        let (l, o1) = a.multipliedReportingOverflow(by: x)
        let (r, o2) = b.multipliedReportingOverflow(by: y)
        if !o1 && !o2 { return l >= r }
        return Int128(a) * Int128(x) >= Int128(b) * Int128(y)
    }

    /// `a × b`, exactly.
    @inline(__always)
    static func product(_ a: Int64, _ b: Int64) -> Int128 {
        let (m, o) = a.multipliedReportingOverflow(by: b)
        if !o { return Int128(m) }
        return Int128(a) * Int128(b)
    }
}
