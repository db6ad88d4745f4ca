extension TelemetryReport {
    /// The columns of the text table.
    static let textColumns = ["hop", "count", "p50", "p90", "p99", "p99.9", "max"]

    /// A fixed-width text table, one row per hop: count, p50, p90, p99, p99.9 and max, each
    /// latency in the unit that fits it (`LatencyFormat`); then counters and distinct errors.
    /// Hops with no values show `-` for latencies.
    public func text() -> String {
        var rows: [[String]] = [Self.textColumns]
        for hop in hops {
            let h = hop.histogram
            if h.totalCount == 0 {
                rows.append([hop.name, "0", "-", "-", "-", "-", "-"])
                continue
            }
            let v = h.valuesAtPercentiles([50, 90, 99, 99.9])
            rows.append([hop.name, String(h.totalCount)] + (v + [h.max]).map { LatencyFormat.string(nanoseconds: $0) })
        }
        var out = title + "\n"
        out += Self.table(rows, rightAligned: 1...)
        let clamped = hops.filter { $0.histogram.overflowCount > 0 || $0.histogram.underflowCount > 0 }
        for hop in clamped {
            out += "clamped \(hop.name): \(hop.histogram.overflowCount) above max, "
                + "\(hop.histogram.underflowCount) negative\n"
        }
        if !counters.isEmpty {
            out += "\n" + Self.table([["counter", "value"]] + counters.map { [$0.name, String($0.value)] }, rightAligned: 1...)
        }
        if !errors.isEmpty || errorLogOverflowCount > 0 {
            var errorRows = [["error", "detail", "count", "first ns", "last ns"]]
            for e in errors {
                errorRows.append([e.name, String(e.detail), String(e.count), String(e.firstNanos), String(e.lastNanos)])
            }
            out += "\n" + Self.table(errorRows, rightAligned: 1...)
            if errorLogOverflowCount > 0 { out += "error log full: \(errorLogOverflowCount) observations dropped\n" }
        }
        return out
    }

    /// Pads cells to column width (by Unicode characters), two spaces between columns.
    static func table(_ rows: [[String]], rightAligned: PartialRangeFrom<Int>) -> String {
        guard let columns = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                if i > 0 { line += "  " }
                line += rightAligned.contains(i) ? pad + cell : cell + pad
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
