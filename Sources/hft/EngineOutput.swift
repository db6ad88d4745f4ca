import ArgumentParser
import Engine
import Foundation
import HFTRuntime
import HFTTelemetry

/// How the run commands print and save what an engine did.
enum EngineOutput {
    /// The header every report starts with: machine, build, memory, topology, idle strategies, clock.
    static func header(_ engine: TradingEngine, what: String) -> String {
        var out = "\(what)\n"
        out += "  machine: \(machine)\n"
        out += "  clock: \(TradingEngine.hopClock)\n"
        out += "  build: \(BuildTarget.current.description)\n"
        out += "  memory: \(AllocatorInfo.line())\n"
        out += "  topology: \(engine.config.topologyProfile)\n"
        for t in engine.effectiveTopology.threads {
            out += "    \(t.name) on core \(t.core), idle \(t.idle.name)\(t.idle.spins ? "" : " (parks when idle: cores are shared)") — \(t.stages.joined(separator: ", "))\n"
        }
        for w in engine.topologyWarnings { out += "  warning: \(w)\n" }
        return out
    }

    /// This machine, read once.
    static let machine = MachineDescription.read()

    /// `TradingEngine.reportContext` with this machine (read once) and the allocator's `memory` line.
    static func context(_ engine: TradingEngine, rate: String) -> ReportContext {
        var context = engine.reportContext(rate: rate, machine: machine)
        context["memory"] = AllocatorInfo.line()
        return context
    }

    /// The engine's latency report with its context (`rate` in the command's words): what every
    /// command prints and writes.
    static func latencyReport(_ engine: TradingEngine, title: String, rate: String) -> TelemetryReport {
        var report = engine.latencyReport(title: title)
        report.context = context(engine, rate: rate)
        return report
    }

    static func write(_ report: TelemetryReport, json: String?, svg: String?) throws {
        if let json {
            try ensureDirectory(json)
            try report.json().write(toFile: json, atomically: true, encoding: .utf8)
            print("wrote \(json)")
        }
        if let svg {
            try ensureDirectory(svg)
            try report.svg().write(toFile: svg, atomically: true, encoding: .utf8)
            print("wrote \(svg)")
        }
    }

    static func ensureDirectory(_ file: String) throws {
        let dir = (file as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    }

    /// A random 32-hex-digit token written to `path` with mode 0600.
    static func generateToken(at path: String) throws -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        try ensureDirectory(path)
        guard FileManager.default.createFile(atPath: path, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write the control token to \(path)")
        }
        return token
    }
}
