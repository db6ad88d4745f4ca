extension PrometheusText {
    /// Why a sample line does not parse.
    struct LineError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// Reads one sample line: `name [{labels}] value [timestamp]`.
    struct LineReader {
        let bytes: [UInt8]
        var index: Int

        mutating func skipBlanks() {
            while index < bytes.count, PrometheusText.isBlank(bytes[index]) { index += 1 }
        }

        /// Bytes up to the next blank, `{`, `=`, `,` or `}` (or the line's end).
        mutating func word(stoppingAt stops: [UInt8]) -> String {
            let start = index
            while index < bytes.count, !PrometheusText.isBlank(bytes[index]), !stops.contains(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func sample() throws(LineError) -> Sample {
            let name = word(stoppingAt: [UInt8(ascii: "{")])
            guard PrometheusText.isMetricName(name) else { throw LineError("invalid metric name \"\(name)\"") }
            skipBlanks()
            var labels: [(name: String, value: String)] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: "{") {
                index += 1
                labels = try labelSet(of: name)
                skipBlanks()
            }
            let valueText = word(stoppingAt: [])
            guard !valueText.isEmpty else { throw LineError("sample \(name) has no value") }
            guard let value = PrometheusText.parseValue(valueText) else {
                throw LineError("sample \(name) has invalid value \"\(valueText)\"")
            }
            skipBlanks()
            if index < bytes.count {
                let timestamp = word(stoppingAt: [])
                let digits = timestamp.hasPrefix("-") ? timestamp.dropFirst() : Substring(timestamp)
                guard !digits.isEmpty, digits.utf8.allSatisfy(PrometheusText.isDigit), Int64(timestamp) != nil else {
                    throw LineError("sample \(name) has invalid timestamp \"\(timestamp)\"")
                }
                skipBlanks()
                guard index == bytes.count else { throw LineError("unexpected text after the timestamp of \(name)") }
            }
            return Sample(name: name, labels: labels, value: value)
        }

        /// After `{`: `name="value"` pairs separated by `,` (a trailing `,` allowed) up to `}`.
        mutating func labelSet(of metric: String) throws(LineError) -> [(name: String, value: String)] {
            var labels: [(name: String, value: String)] = []
            while true {
                skipBlanks()
                guard index < bytes.count else { throw LineError("unterminated label set of \(metric)") }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return labels
                }
                let label = word(stoppingAt: [UInt8(ascii: "="), UInt8(ascii: ","), UInt8(ascii: "}")])
                guard PrometheusText.isLabelName(label) else { throw LineError("invalid label name \"\(label)\" in \(metric)") }
                guard !label.hasPrefix("__") else { throw LineError("reserved label name \"\(label)\" in \(metric)") }
                guard !labels.contains(where: { $0.name == label }) else { throw LineError("label \(label) repeats in \(metric)") }
                skipBlanks()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw LineError("expected '=' after label \(label) of \(metric)") }
                index += 1
                skipBlanks()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw LineError("label \(label) of \(metric) has an unquoted value")
                }
                index += 1
                labels.append((label, try quotedValue(label: label, metric: metric)))
                skipBlanks()
                guard index < bytes.count else { throw LineError("unterminated label set of \(metric)") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] != UInt8(ascii: "}") {
                    throw LineError("expected ',' or '}' after label \(label) of \(metric)")
                }
            }
        }

        /// After the opening quote: the value up to the closing quote, unescaped.
        mutating func quotedValue(label: String, metric: String) throws(LineError) -> String {
            var out: [UInt8] = []
            while index < bytes.count {
                let b = bytes[index]
                index += 1
                switch b {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { break }
                    switch bytes[index] {
                    case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                    case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                    case UInt8(ascii: "n"): out.append(0x0A)
                    default: throw LineError("invalid escape in label \(label) of \(metric) (only \\\\, \\\" and \\n)")
                    }
                    index += 1
                default:
                    out.append(b)
                }
            }
            throw LineError("unterminated value of label \(label) in \(metric)")
        }
    }
}
