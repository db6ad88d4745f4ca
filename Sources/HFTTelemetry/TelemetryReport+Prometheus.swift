extension TelemetryReport {
    /// The quantiles of each hop's Prometheus summary (1 is the max).
    public static let prometheusQuantiles: [Double] = [0.5, 0.9, 0.99, 0.999, 0.9999, 1]

    /// The report in the Prometheus text exposition format (version 0.0.4):
    /// - each hop a summary `hft_hop_<name>_seconds` with `quantile` samples (seconds; `NaN` when
    ///   the hop has no values), `_sum` and `_count`;
    /// - each counter a counter `hft_<name>_total`;
    /// - distinct errors as `hft_errors_total{error="...",detail="..."}` and the error-log overflow
    ///   as `hft_error_log_overflow_total`.
    /// Names are sanitized to `[a-zA-Z_:][a-zA-Z0-9_:]*` (`tick→order` → `tick_to_order`, `.` → `_`);
    /// names that collide after sanitizing get a `_2`, `_3`... suffix.
    public func prometheus() -> String {
        var out = ""
        var used: Set<String> = []
        func unique(_ base: String) -> String {
            var name = base
            var n = 2
            while used.contains(name) {
                name = base + "_\(n)"
                n += 1
            }
            used.insert(name)
            return name
        }
        for hop in hops {
            let h = hop.histogram
            let family = unique("hft_hop_" + Self.prometheusName(hop.name) + "_seconds")
            out += "# HELP \(family) Latency of hop \(Self.escapeHelp(hop.name)), seconds.\n"
            out += "# TYPE \(family) summary\n"
            let quantilePercentiles = Self.prometheusQuantiles.map { $0 * 100 }
            let values = h.valuesAtPercentiles(quantilePercentiles)
            for (q, v) in zip(Self.prometheusQuantiles, values) {
                let value = h.totalCount == 0 ? "NaN" : Self.seconds(v)
                out += "\(family){quantile=\"\(Self.label(q))\"} \(value)\n"
            }
            out += "\(family)_sum \(Self.seconds(h.sum))\n"
            out += "\(family)_count \(h.totalCount)\n"
        }
        for counter in counters {
            let family = unique("hft_" + Self.prometheusName(counter.name) + "_total")
            let help = counter.help.isEmpty ? "Counter \(counter.name)." : counter.help
            out += "# HELP \(family) \(Self.escapeHelp(help))\n"
            out += "# TYPE \(family) counter\n"
            out += "\(family) \(counter.value)\n"
        }
        let errorsFamily = unique("hft_errors_total")
        out += "# HELP \(errorsFamily) Observations per distinct error (code, detail).\n"
        out += "# TYPE \(errorsFamily) counter\n"
        for e in errors {
            out += "\(errorsFamily){error=\"\(Self.escapeLabel(e.name))\",detail=\"\(e.detail)\"} \(e.count)\n"
        }
        let overflowFamily = unique("hft_error_log_overflow_total")
        out += "# HELP \(overflowFamily) Error observations dropped because a distinct-error table was full.\n"
        out += "# TYPE \(overflowFamily) counter\n"
        out += "\(overflowFamily) \(errorLogOverflowCount)\n"
        return out
    }

    /// `ns` as seconds in Prometheus float syntax (shortest round-trip decimal).
    static func seconds(_ ns: UInt64) -> String {
        let s = Double(ns) / 1e9
        return s == 0 ? "0" : "\(s)"
    }

    /// A name made of `[a-zA-Z0-9_:]`: `→` becomes `_to_`, other characters `_`, runs of `_`
    /// collapse, leading and trailing `_` are dropped.
    public static func prometheusName(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ":": out.unicodeScalars.append(scalar)
            case "→": out += "_to_"
            default: out += "_"
            }
        }
        var collapsed = ""
        for c in out where !(c == "_" && collapsed.last == "_") { collapsed.append(c) }
        while collapsed.first == "_" { collapsed.removeFirst() }
        while collapsed.last == "_" { collapsed.removeLast() }
        return collapsed.isEmpty ? "unnamed" : collapsed
    }

    /// Escapes a label value: backslash, double quote and line feed.
    static func escapeLabel(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// Escapes HELP text: backslash and line feed.
    static func escapeHelp(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
