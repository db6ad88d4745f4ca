/// A strict checker of the Prometheus text exposition format, version 0.0.4, for `GET /metrics`
/// bodies (the engine's own output and anything it forwards). Cold path; allocates.
///
/// Accepted: `# HELP name text` (escapes `\\`, `\n`), `# TYPE name counter|gauge|histogram|summary|untyped`,
/// other `#` comments, blank lines, and samples `name{label="value",...} value [timestamp]` with
/// blanks or tabs between tokens. Checked:
/// - metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*` and
///   do not start with the reserved `__`, no label repeats within a sample;
/// - label values are quoted with only the `\\`, `\"`, `\n` escapes;
/// - values are decimal floats (`1`, `-2.5e-3`, `.5`) or `NaN`, `+Inf`, `-Inf`, `Inf`; timestamps
///   are Int64 milliseconds (hexadecimal and `_` forms that Go's ParseFloat also takes are refused);
/// - at most one HELP and one TYPE per family, TYPE before the family's first sample, and each
///   family's lines form one contiguous group (`_sum`, `_count`, `_bucket` belong to the summary or
///   histogram they were declared for);
/// - summaries: every bare sample has a `quantile` label in 0...1 (`NaN` values allowed), `_sum`
///   and `_count` have none; histograms: `_bucket` samples have a float `le` label, no bare samples;
/// - counters (and `_count`, `_bucket` samples) are not negative;
/// - no series (name + label set) appears twice;
/// - the text ends with a line feed (an empty text is valid: no metrics).
public enum PrometheusText {
    /// The metric types of a `# TYPE` line.
    public static let metricTypes: Set<String> = ["counter", "gauge", "histogram", "summary", "untyped"]

    /// The problems of `text`, each `line N: what`; empty when `text` is valid exposition format.
    public static func validate(_ text: String) -> [String] {
        var checker = Checker()
        guard !text.isEmpty else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") {
            lines.removeLast()
        } else {
            checker.problems.append("line \(lines.count): the last line does not end with a line feed")
        }
        for (i, line) in lines.enumerated() {
            checker.line(Array(line.utf8), number: i + 1)
        }
        return checker.problems
    }

    /// Whether `s` matches `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public static func isMetricName<S: StringProtocol>(_ s: S) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first, isNameHead(first) || first == UInt8(ascii: ":") else { return false }
        return u.allSatisfy { isNameHead($0) || isDigit($0) || $0 == UInt8(ascii: ":") }
    }

    /// Whether `s` matches `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isLabelName<S: StringProtocol>(_ s: S) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first, isNameHead(first) else { return false }
        return u.allSatisfy { isNameHead($0) || isDigit($0) }
    }

    /// The value of a sample or `le`/`quantile` label in the accepted float syntax, else nil.
    public static func parseValue<S: StringProtocol>(_ s: S) -> Double? {
        switch s {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default: break
        }
        let u = Array(s.utf8)
        var i = 0
        if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        while i < u.count, isDigit(u[i]) { i += 1; digits += 1 }
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            while i < u.count, isDigit(u[i]) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        if i < u.count, u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E") {
            i += 1
            if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") { i += 1 }
            var exponent = 0
            while i < u.count, isDigit(u[i]) { i += 1; exponent += 1 }
            guard exponent > 0 else { return nil }
        }
        guard i == u.count else { return nil }
        return Double(String(s))
    }

    static func isNameHead(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
            || b == UInt8(ascii: "_")
    }

    static func isDigit(_ b: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) }

    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
}
