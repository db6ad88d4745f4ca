import ArgumentParser
import Engine
import Foundation
import HFTPrimitives
import HFTRuntime
import HFTTelemetry

/// `hft bench runtime`: the runtime latency benchmark on pinned threads and rings (no market data).
struct RuntimeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime",
        abstract: "Runs the runtime latency demo: three pinned actor stages connected by rings, fed at a fixed rate.",
        discussion: """
            source (core A) ══Ring══► transform (core B) ══Ring══► sink (core B)
            Every hop is timed into an HDR histogram; the end-to-end hop is measured from each
            event's intended send time, so a late source cannot hide latency.
            """
    )

    @Option(help: "Events per second offered by the source.")
    var rate: Int = 100_000

    @Option(help: "Seconds to offer events.")
    var seconds: Double = 5

    @Option(help: "Idle strategy of both threads: busySpin, spinYield or backoff.")
    var idle: String = "backoff"

    @Option(help: "Core of the source thread.")
    var sourceCore: Int?

    @Option(help: "Core of the transform + sink thread.")
    var pipelineCore: Int?

    @Option(help: "Write the report as JSON to this file.")
    var json: String?

    @Option(help: "Write the percentile plot as SVG to this file.")
    var svg: String?

    func run() async throws {
        guard let idleStrategy = IdleStrategyConfig(name: idle) else {
            throw ValidationError("unknown idle strategy '\(idle)'; use one of \(IdleStrategyConfig.names.joined(separator: ", "))")
        }
        guard rate > 0, seconds > 0 else { throw ValidationError("--rate and --seconds must be positive") }
        let config = LatencyDemo.Configuration(rate: rate, duration: Nanos(raw: Int64(seconds * 1e9)), sourceCore: sourceCore,
                                               pipelineCore: pipelineCore, idle: idleStrategy)
        print("HFT Core runtime latency demo")
        print("  machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; threads: source on core \(config.sourceCore), transform+sink on core \(config.pipelineCore); build: \(BuildTarget.current.description)")
        print("  idle strategy: \(idleStrategy.name)\(idleStrategy.spins ? "" : " (cores are shared: threads park when idle)")")
        print("  offered: \(rate) events/s for \(seconds) s (64-byte ring slots, capacity \(config.ringCapacity))")
        let result = try await LatencyDemo.run(config)
        print("  clock: \(result.clock)")
        print("")
        print(result.report.text())
        print("events: offered \(result.offered), published \(result.published), received \(result.received), errors \(result.errors), back-pressure source \(result.sourceBackPressure) transform \(result.transformBackPressure)")
        if let json {
            try result.report.json().write(toFile: json, atomically: true, encoding: .utf8)
            print("wrote \(json)")
        }
        if let svg {
            try result.report.svg().write(toFile: svg, atomically: true, encoding: .utf8)
            print("wrote \(svg)")
        }
        if result.errors > 0 || result.received != result.offered {
            throw ExitCode.failure
        }
    }
}
