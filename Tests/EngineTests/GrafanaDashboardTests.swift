import Engine
import HFTTelemetry
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `Tuning/grafana/hft-dashboard.json` against the metric contract in `Tuning/grafana/README.md`
/// and against HFTTelemetry's real Prometheus output for the engine's hops and counters.
@Suite struct GrafanaDashboardTests {
    static let directory: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/EngineTests/<file>
        return parts.joined(separator: "/") + "/Tuning/grafana/"
    }()

    static func read(_ name: String) throws -> [UInt8] {
        let f = try #require(fopen(directory + name, "r"), "cannot open \(directory + name)")
        defer { fclose(f) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            out += buffer.prefix(n)
        }
        return out
    }

    /// README contract rows: name → (type, section heading).
    static func contract() throws -> [String: (type: String, section: String)] {
        var rows: [String: (type: String, section: String)] = [:]
        var section = ""
        for line in String(decoding: try read("README.md"), as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("### ") { section = String(line.dropFirst(4)) }
            guard line.hasPrefix("| `hft_") else { continue }
            let cells = line.split(separator: "|").map { cell in
                String(cell.drop { $0 == " " || $0 == "`" }.reversed().drop { $0 == " " || $0 == "`" }.reversed())
            }
            #expect(rows[cells[0]] == nil, "\(cells[0]) listed twice")
            rows[cells[0]] = (cells[1], section)
        }
        return rows
    }

    /// Identifiers starting with `hft_` outside string literals: the metric names of a PromQL expression.
    static func metricNames(in expr: String) -> [String] {
        var names: [String] = []
        var current = ""
        var quote: Character? = nil
        for c in expr + " " {
            if let q = quote {
                if c == q { quote = nil }
                continue
            }
            if c == "\"" || c == "'" || c == "`" {
                quote = c
                current = ""
            } else if c.isLetter || c.isNumber || c == "_" || c == ":" || c == "$" {
                current.append(c)
            } else {
                if current.hasPrefix("hft_") { names.append(current) }
                current = ""
            }
        }
        return names
    }

    /// Every object in the document, depth first.
    static func objects(_ v: ControlJSON) -> [ControlJSON] {
        switch v {
        case .object(let members): [v] + members.flatMap { objects($0.value) }
        case .array(let items): items.flatMap { objects($0) }
        default: []
        }
    }

    /// The hop and counter families the engine registers, as HFTTelemetry renders them.
    static func telemetryTypes() -> [String: String] {
        let registry = TelemetryRegistry()
        _ = registry.registerStandardHops()
        // The engine's own queue and order hops (Sources/Engine/Pipeline/TradingEngine.swift).
        _ = registry.registerHop("queue.book→signals")
        _ = registry.registerHop("features.trade")
        _ = registry.registerHop("features.refresh")
        _ = registry.registerHop("queue.signals→strategy")
        _ = registry.registerHop("order.tick→signal")
        _ = registry.registerHop("order.tick→decision")
        _ = registry.registerHop("order.tick→risk")
        _ = EngineCounters(registry)
        var types: [String: String] = [:]
        for line in registry.report(title: "contract").prometheus().split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            types[String(parts[2])] = String(parts[3])
        }
        return types
    }

    @Test func dashboardIsAnImportableGrafanaDocument() throws {
        let dashboard = try ControlJSON.parse(try Self.read("hft-dashboard.json"))
        guard case .number(let schema)? = dashboard["schemaVersion"] else { Issue.record("no schemaVersion"); return }
        #expect(try #require(Int(schema)) >= 36)
        guard case .array(let inputs)? = dashboard["__inputs"] else { Issue.record("no __inputs"); return }
        #expect(inputs.contains { $0["name"] == .string("DS_PROMETHEUS") && $0["type"] == .string("datasource")
            && $0["pluginId"] == .string("prometheus") })
        #expect(dashboard["uid"] == .string("hft-core-engine"))
        guard case .array(let panels)? = dashboard["panels"] else { Issue.record("no panels"); return }
        var ids: Set<String> = []
        for panel in panels {
            guard case .number(let id)? = panel["id"] else { Issue.record("panel without id"); continue }
            #expect(ids.insert(id).inserted, "duplicate panel id \(id)")
            if panel["type"] == .string("row") { continue }
            #expect(panel["datasource"]?["uid"] == .string("${DS_PROMETHEUS}"), "\(panel["title"]?.compact ?? "?")")
            guard case .number(let x)? = panel["gridPos"]?["x"], case .number(let w)? = panel["gridPos"]?["w"] else {
                Issue.record("panel without gridPos")
                continue
            }
            #expect(Int(x)! + Int(w)! <= 24)
            guard case .array(let targets)? = panel["targets"], !targets.isEmpty else { Issue.record("panel without targets"); continue }
            for target in targets {
                #expect(target["datasource"]?["uid"] == .string("${DS_PROMETHEUS}"))
            }
        }
    }

    @Test func everyExpressionNamesAContractMetric() throws {
        let contract = try Self.contract()
        let dashboard = try ControlJSON.parse(try Self.read("hft-dashboard.json"))
        var used: Set<String> = []
        var expressions = 0
        for object in Self.objects(dashboard) {
            guard case .string(let expr)? = object["expr"] else { continue }
            expressions += 1
            let names = Self.metricNames(in: expr)
            #expect(!names.isEmpty, "expression without a metric: \(expr)")
            for name in names {
                var known = contract[name] != nil
                for suffix in ["_sum", "_count"] where name.hasSuffix(suffix) {
                    known = known || contract[String(name.dropLast(suffix.count))]?.type == "summary"
                }
                #expect(known, "\(name) (in \(expr)) is not in README.md")
                used.insert(name)
            }
        }
        #expect(expressions > 40)
        // Every metric of the contract is on a panel (the ones the issue names among them).
        for name in contract.keys {
            let onPanel = used.contains(name) || (contract[name]?.type == "summary" && used.contains(name + "_count"))
            #expect(onPanel, "no panel for \(name)")
        }
        // Every hop has p50, p99 and p99.9.
        let exprs = Self.objects(dashboard).compactMap { o -> String? in
            if case .string(let e)? = o["expr"] { e } else { nil }
        }
        for (name, row) in contract where row.type == "summary" {
            for q in ["0.5", "0.99", "0.999"] {
                #expect(exprs.contains("\(name){job=~\"$job\",quantile=\"\(q)\"}"), "\(name) quantile \(q)")
            }
        }
    }

    @Test func telemetryFamiliesOfTheContractExistInHFTTelemetryOutput() throws {
        let contract = try Self.contract()
        let real = Self.telemetryTypes()
        for (name, row) in contract where !row.section.hasPrefix("Engine state") {
            #expect(real[name] == row.type, "\(name): README says \(row.type), HFTTelemetry renders \(real[name] ?? "nothing")")
        }
        // Every hop the engine times is documented (and so has a latency panel, see above).
        for (name, type) in real where name.hasPrefix("hft_hop_") {
            #expect(contract[name]?.type == type, "hop \(name) missing from README.md")
        }
        #expect(contract.count == 64)
    }

    @Test func metricNameExtractionSkipsLabelValuesAndFunctions() {
        #expect(Self.metricNames(in: #"sum by (symbol) (rate(hft_orders_total{job=~"hft_x"}[$__rate_interval])) / hft_fills_total"#)
            == ["hft_orders_total", "hft_fills_total"])
    }
}
