import ArgumentParser

@main
struct HFTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hft",
        abstract: "HFT Core: a low-latency trading core for crypto venues.",
        subcommands: [DemoCommand.self, RunCommand.self, ReplayCommand.self, BenchCommand.self, ModelCommand.self, BookCheckCommand.self, SimCommand.self, RecordCommand.self, PluginCommand.self, FeaturesCommand.self, TuneCommand.self]
    )

    func run() throws {
        print("hft (memory: \(AllocatorInfo.line()))")
    }
}
