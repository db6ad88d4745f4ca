import ArgumentParser
import Engine
import Foundation

/// `hft plugin inspect FILE` and `hft plugin swap`: strategy plugin tooling.
struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "Inspect strategy plugins (manifest and ABI checks) and hot-swap one during a replay.",
        subcommands: [Inspect.self, Swap.self]
    )

    /// `hft plugin inspect FILE [--schema-id ID]`
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a plugin's manifest and whether this host would load it (ABI version, toolchain, feature schema).")

        @Argument(help: "The plugin shared library (lib<Name>.so).") var file: String
        @Option(name: .customLong("schema-id"), help: "Feature schema id to check against (default: the default analytics config's).")
        var schemaId: String?

        func run() throws {
            let i = try StrategyPluginInspection(path: file, schemaId: schemaId)
            let m = i.manifest
            print("""
            plugin:        \(m.name) \(m.version)
            file:          \(i.path)
            abi version:   \(m.abiVersion)
            toolchain:     \(m.toolchain)
            configuration: \(m.buildConfiguration)
            schema id:     \(m.featureSchemaId)
            description:   \(m.description)
            """)
            for c in i.checks { print("check \(c.name): \(c.ok ? "ok" : "MISMATCH") (\(c.detail))") }
            if !i.loadable { throw ExitCode.failure }
        }
    }

    /// `hft plugin swap --from A.so --to B.so --capture FILE --at N [--config JSON]`
    struct Swap: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a capture in paper mode with plugin A and hot-swap to plugin B before tick N; print the swap and the run.",
            discussion: "The engine has no control endpoint yet; this drives the swap through the replay harness (StrategyReplayHarness).")

        @Option(help: "Plugin running first.") var from: String
        @Option(help: "Plugin swapped in.") var to: String
        @Option(help: "Capture file (hftbacktest .gz, cryptofeed, Bybit jsonl).") var capture: String
        @Option(help: "Swap right before this tick (1-based).") var at: UInt64
        @Option(help: "JSON config for both plugins.") var config: String = "{}"
        @Option(name: .customLong("position-limit"), help: "Position limit in raw quantity units.") var positionLimit: Int64?

        func run() throws {
            let harness = try StrategyReplayHarness(path: capture, positionLimit: positionLimit)
            let a = try StrategyPlugin(path: from, featureSchemaId: harness.schema.id)
            let b = try StrategyPlugin(path: to, featureSchemaId: harness.schema.id)
            var strategy = try StrategyInstance(plugin: a, config: config, services: harness.services)
            let r = try harness.run(&strategy, swap: (beforeTick: at, plugin: b, config: config))
            print(r)
            if r.swap == nil { print("no swap: the capture has fewer than \(at) ticks") }
        }
    }
}
