/// A strict parser of the Prometheus text exposition format (0.0.4) for the tests: every line must
/// be a `# HELP`/`# TYPE` comment or a sample `name{label="value",...} float`; names and label
/// names must match the spec's regexes, label values use the spec's escapes, each family has at
/// most one TYPE line, which precedes its samples, and no sample (name + labels) repeats.
struct PrometheusText {
    enum ParseError: Error, CustomStringConvertible {
        case invalid(line: Int, text: String, reason: String)
        var description: String {
            switch self {
            case let .invalid(line, text, reason): "line \(line): \(reason): \(text)"
            }
        }
    }

    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
    }

    var types: [String: String] = [:]
    var samples: [Sample: Double] = [:]

    func value(_ name: String, _ labels: [String: String]) -> Double? {
        samples[Sample(name: name, labels: labels)]
    }

    static func isMetricName(_ s: Substring) -> Bool {
        guard let first = s.unicodeScalars.first else { return false }
        func head(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" || c == ":" }
        return head(first) && s.unicodeScalars.allSatisfy { head($0) || ("0"..."9").contains($0) }
    }

    static func isLabelName(_ s: Substring) -> Bool {
        isMetricName(s) && !s.contains(":")
    }

    static func parseFloat(_ s: Substring) -> Double? {
        switch s {
        case "NaN": return .nan
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        default: return Double(s)
        }
    }

    init(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw ParseError.invalid(line: 0, text: "", reason: "no final line feed") }
        var sampledFamilies: Set<String> = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            func fail(_ reason: String) -> ParseError { .invalid(line: n + 1, text: String(line), reason: reason) }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count >= 3, parts[0] == "#" else { throw fail("bad comment") }
                guard Self.isMetricName(parts[2]) else { throw fail("bad metric name in comment") }
                if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                    else { throw fail("bad TYPE") }
                    guard types[String(parts[2])] == nil else { throw fail("second TYPE for family") }
                    guard !sampledFamilies.contains(String(parts[2])) else { throw fail("TYPE after samples") }
                    types[String(parts[2])] = String(parts[3])
                } else if parts[1] != "HELP" {
                    throw fail("comment is neither HELP nor TYPE")
                }
                continue
            }
            var rest = line[...]
            let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
            let name = rest[..<nameEnd]
            guard Self.isMetricName(name) else { throw fail("bad metric name") }
            rest = rest[nameEnd...]
            var labels: [String: String] = [:]
            if rest.first == "{" {
                rest = rest.dropFirst()
                while rest.first != "}" {
                    guard let eq = rest.firstIndex(of: "=") else { throw fail("label without =") }
                    let labelName = rest[..<eq]
                    guard Self.isLabelName(labelName) else { throw fail("bad label name") }
                    rest = rest[rest.index(after: eq)...]
                    guard rest.first == "\"" else { throw fail("label value not quoted") }
                    rest = rest.dropFirst()
                    var value = ""
                    while true {
                        guard let c = rest.first else { throw fail("unterminated label value") }
                        rest = rest.dropFirst()
                        if c == "\"" { break }
                        if c == "\\" {
                            guard let e = rest.first else { throw fail("dangling escape") }
                            rest = rest.dropFirst()
                            switch e {
                            case "\\": value.append("\\")
                            case "\"": value.append("\"")
                            case "n": value.append("\n")
                            default: throw fail("bad escape")
                            }
                        } else {
                            value.append(c)
                        }
                    }
                    guard labels[String(labelName)] == nil else { throw fail("repeated label") }
                    labels[String(labelName)] = value
                    if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw fail("expected , or }") }
                }
                rest = rest.dropFirst()
            }
            guard rest.first == " " else { throw fail("no space before value") }
            let fields = rest.dropFirst().split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 1 || fields.count == 2, let v = Self.parseFloat(fields[0]) else { throw fail("bad value") }
            if fields.count == 2 { guard Int64(fields[1]) != nil else { throw fail("bad timestamp") } }
            let sample = Sample(name: String(name), labels: labels)
            guard samples[sample] == nil else { throw fail("duplicate sample") }
            samples[sample] = v
            var family = String(name)
            for suffix in ["_sum", "_count", "_bucket"] where family.hasSuffix(suffix) && types[family] == nil {
                family.removeLast(suffix.count)
            }
            sampledFamilies.insert(family)
        }
    }
}
