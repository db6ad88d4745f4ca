import HFTRuntime

/// The result of `HostAudit.run`: the topology audited, what was read, and the findings, with
/// text and JSON renderings. Cold path.
public struct HostAuditReport: Sendable, Hashable {
    /// The topology the host was audited against.
    public var topology: Topology
    /// What was read from the host.
    public var snapshot: HostSnapshot
    /// Ring memory the huge-page check asked for.
    public var ringBytes: Int
    /// The findings, in check order.
    public var findings: [HostFinding]

    public init(topology: Topology, snapshot: HostSnapshot, ringBytes: Int, findings: [HostFinding]) {
        self.topology = topology
        self.snapshot = snapshot
        self.ringBytes = ringBytes
        self.findings = findings
    }

    /// Whether any finding is `fail` (`hft tune check` then exits 1).
    public var hasFailures: Bool { findings.contains { $0.severity == .fail } }

    /// The number of findings of one severity.
    public func count(_ severity: HostFinding.Severity) -> Int {
        findings.filter { $0.severity == severity }.count
    }

    /// The first finding of a check, if any.
    public func finding(_ check: String) -> HostFinding? {
        findings.first { $0.check == check }
    }

    /// A human-readable report: the topology, then one block per finding with its fix, then a summary.
    public func text() -> String {
        var lines = ["host \(snapshot.root): \(snapshot.onlineCPUs.count) online CPUs (\(CPUList.format(snapshot.onlineCPUs)))",
                     "topology:"]
        for thread in topology.threads {
            lines.append("  \(pad(thread.name, 10)) core \(pad(String(thread.core), 3)) \(pad(thread.idle.name, 10)) \(thread.stages.joined(separator: "+"))")
        }
        let width = max(12, findings.map(\.check.count).max() ?? 0)
        for finding in findings {
            let tag = switch finding.severity {
            case .ok: "ok  "
            case .warn: "WARN"
            case .fail: "FAIL"
            }
            lines.append("[\(tag)] \(pad(finding.check, width)) \(finding.observed)")
            if finding.severity != .ok {
                lines.append("       \(pad("", width)) expected: \(finding.expected)")
                if let fix = finding.fix { lines.append("       \(pad("", width)) fix: \(fix)") }
            }
        }
        lines.append("\(count(.ok)) ok, \(count(.warn)) warn, \(count(.fail)) fail")
        return lines.joined(separator: "\n")
    }

    /// The report as one JSON object: `root`, `cpus`, `topology` (threads with name, core, idle,
    /// stages), `findings` (severity, check, observed, expected, fix or null) and `summary` counts.
    public func json() -> String {
        let threads = topology.threads.map { thread in
            "{\"name\":\(quote(thread.name)),\"core\":\(thread.core),\"idle\":\(quote(thread.idle.name)),"
                + "\"stages\":[\(thread.stages.map(quote).joined(separator: ","))]}"
        }
        let items = findings.map { finding in
            "{\"severity\":\(quote(finding.severity.rawValue)),\"check\":\(quote(finding.check)),"
                + "\"observed\":\(quote(finding.observed)),\"expected\":\(quote(finding.expected)),"
                + "\"fix\":\(finding.fix.map(quote) ?? "null")}"
        }
        return "{\"root\":\(quote(snapshot.root)),\"cpus\":[\(snapshot.onlineCPUs.map(String.init).joined(separator: ","))],"
            + "\"ringBytes\":\(ringBytes),\"topology\":[\(threads.joined(separator: ","))],"
            + "\"findings\":[\(items.joined(separator: ","))],"
            + "\"summary\":{\"ok\":\(count(.ok)),\"warn\":\(count(.warn)),\"fail\":\(count(.fail))}}"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// A JSON string literal (RFC 8259 escaping).
    private func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
