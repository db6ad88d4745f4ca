/// Formats nanosecond latencies for people: the unit is chosen per value (ns below 1 µs, µs below
/// 1 ms, ms below 1 s, else s) with three significant digits (`812ns`, `1.50µs`, `23.4ms`).
public enum LatencyFormat {
    /// `ns` in the unit that fits it, three significant digits.
    public static func string(nanoseconds ns: UInt64) -> String {
        if ns < 1_000 { return "\(ns)ns" }
        let (divisor, unit): (Double, String) =
            ns < 999_500 ? (1e3, "µs") : ns < 999_500_000 ? (1e6, "ms") : (1e9, "s")
        return fixed(Double(ns) / divisor, significant: 3) + unit
    }

    /// `value` with `significant` digits, as a plain decimal (no exponent). Used for 1 ≤ value < 1000
    /// (and seconds above that, printed with no decimals).
    static func fixed(_ value: Double, significant: Int) -> String {
        var decimals = significant - 1
        var bound = 10.0
        while decimals > 0 && value >= bound - 0.5 * pow10(-decimals) {
            decimals -= 1
            bound *= 10
        }
        let scale = pow10(decimals)
        let scaled = UInt64((value * scale).rounded())
        if decimals == 0 { return "\(scaled)" }
        let whole = scaled / UInt64(scale)
        var fraction = String(scaled % UInt64(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        return "\(whole).\(fraction)"
    }

    static func pow10(_ n: Int) -> Double {
        var r = 1.0
        if n >= 0 { for _ in 0..<n { r *= 10 } } else { for _ in 0..<(-n) { r /= 10 } }
        return r
    }
}
