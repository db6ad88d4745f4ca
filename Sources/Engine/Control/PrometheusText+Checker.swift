extension PrometheusText {
    /// One parsed sample line.
    struct Sample {
        var name: String
        var labels: [(name: String, value: String)]
        var value: Double
    }

    /// The running state of `validate`: families seen so far and the problems found.
    struct Checker {
        var problems: [String] = []
        /// Declared type per family name.
        var types: [String: String] = [:]
        var helps: Set<String> = []
        /// Families that have at least one sample.
        var sampled: Set<String> = []
        /// Families whose group of lines has ended (another family's line came after).
        var closed: Set<String> = []
        var current: String? = nil
        /// `name{sorted labels}` of every sample.
        var series: Set<String> = []

        mutating func line(_ bytes: [UInt8], number: Int) {
            var i = 0
            while i < bytes.count, PrometheusText.isBlank(bytes[i]) { i += 1 }
            guard i < bytes.count else { return }
            if bytes[i] == UInt8(ascii: "#") {
                comment(bytes, from: i + 1, number: number)
            } else {
                do throws(LineError) {
                    var reader = LineReader(bytes: bytes, index: i)
                    check(try reader.sample(), number: number)
                } catch {
                    problems.append("line \(number): \(error.message)")
                }
            }
        }

        /// Enters `family`'s group of lines; reports a family whose group already ended.
        mutating func enter(_ family: String, number: Int) {
            guard family != current else { return }
            if let current { closed.insert(current) }
            current = family
            if closed.contains(family) {
                problems.append("line \(number): lines of family \(family) are not one contiguous group")
            }
        }

        mutating func comment(_ bytes: [UInt8], from start: Int, number: Int) {
            // Tokens: `HELP|TYPE`, the name, then the rest of the line.
            var i = start
            guard i < bytes.count, PrometheusText.isBlank(bytes[i]) else { return }  // `#text`: a plain comment
            while i < bytes.count, PrometheusText.isBlank(bytes[i]) { i += 1 }
            func token() -> String {
                let s = i
                while i < bytes.count, !PrometheusText.isBlank(bytes[i]) { i += 1 }
                let t = String(decoding: bytes[s..<i], as: UTF8.self)
                while i < bytes.count, PrometheusText.isBlank(bytes[i]) { i += 1 }
                return t
            }
            let keyword = token()
            guard keyword == "HELP" || keyword == "TYPE" else { return }
            let name = token()
            guard PrometheusText.isMetricName(name) else {
                problems.append("line \(number): \(keyword) line with invalid metric name \"\(name)\"")
                return
            }
            enter(name, number: number)
            if keyword == "HELP" {
                if !helps.insert(name).inserted { problems.append("line \(number): second HELP line for \(name)") }
                var j = i
                while j < bytes.count {
                    if bytes[j] == UInt8(ascii: "\\") {
                        guard j + 1 < bytes.count, bytes[j + 1] == UInt8(ascii: "\\") || bytes[j + 1] == UInt8(ascii: "n") else {
                            problems.append("line \(number): invalid escape in HELP text of \(name) (only \\\\ and \\n)")
                            break
                        }
                        j += 2
                    } else {
                        j += 1
                    }
                }
                return
            }
            let type = token()
            if i < bytes.count { problems.append("line \(number): unexpected text after TYPE \(type) of \(name)") }
            guard PrometheusText.metricTypes.contains(type) else {
                problems.append("line \(number): unknown metric type \"\(type)\" for \(name)")
                return
            }
            if types[name] != nil {
                problems.append("line \(number): second TYPE line for \(name)")
            } else if sampled.contains(name) {
                problems.append("line \(number): TYPE line for \(name) after its samples")
            } else {
                types[name] = type
            }
        }

        /// The family a sample name belongs to, and its type.
        func family(of name: String) -> (name: String, type: String) {
            if let t = types[name] { return (name, t) }
            for suffix in ["_sum", "_count", "_bucket"] where name.hasSuffix(suffix) {
                let base = String(name.dropLast(suffix.count))
                switch types[base] {
                case "histogram": return (base, "histogram")
                case "summary" where suffix != "_bucket": return (base, "summary")
                default: continue
                }
            }
            return (name, "untyped")
        }

        mutating func check(_ sample: Sample, number: Int) {
            func problem(_ s: String) { problems.append("line \(number): \(s)") }
            let (family, type) = family(of: sample.name)
            enter(family, number: number)
            sampled.insert(family)
            let key = sample.name + "{" + sample.labels.sorted { $0.name < $1.name }
                .map { "\($0.name)=\(PrometheusText.quotedForKey($0.value))" }.joined(separator: ",") + "}"
            if !series.insert(key).inserted { problem("duplicate series \(key)") }
            let suffix = String(sample.name.dropFirst(family.count))
            let quantile = sample.labels.first { $0.name == "quantile" }?.value
            let le = sample.labels.first { $0.name == "le" }?.value
            switch type {
            case "counter":
                if sample.value < 0 { problem("counter \(sample.name) is negative") }
            case "summary":
                if suffix.isEmpty {
                    if let quantile {
                        if let q = PrometheusText.parseValue(quantile), q >= 0, q <= 1 {} else {
                            problem("summary \(family) has quantile \"\(quantile)\" outside 0...1")
                        }
                    } else {
                        problem("summary sample \(sample.name) without a quantile label")
                    }
                } else if quantile != nil {
                    problem("\(sample.name) must not carry a quantile label")
                }
                if suffix == "_count", sample.value < 0 { problem("\(sample.name) is negative") }
            case "histogram":
                switch suffix {
                case "_bucket":
                    if let le {
                        if PrometheusText.parseValue(le) == nil { problem("histogram \(family) has le \"\(le)\" that is not a float") }
                    } else {
                        problem("histogram bucket \(sample.name) without an le label")
                    }
                    if sample.value < 0 { problem("\(sample.name) is negative") }
                case "_count":
                    if sample.value < 0 { problem("\(sample.name) is negative") }
                case "_sum":
                    break
                default:
                    problem("histogram \(family) has a sample without _bucket, _sum or _count suffix")
                }
                if suffix != "_bucket", le != nil { problem("\(sample.name) must not carry an le label") }
            default:
                break
            }
        }
    }

    /// A label value re-escaped so that series keys are unambiguous.
    static func quotedForKey(_ s: String) -> String {
        "\"" + s.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n") + "\""
    }
}

extension String {
    /// Every occurrence of `target` replaced (Foundation-free).
    fileprivate func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}
