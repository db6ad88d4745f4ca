import CSystemShims
import Foundation
import HFTPrimitives
import HFTTestSupport
import MarketData
import Simulator
import Synchronization
import Transport

/// `shared/data/market` (or `HFT_MARKET_DATA`).
func marketDataPath(_ relative: String) -> String {
    MarketDataDirectory.url.appendingPathComponent(relative).path
}

/// Polls `condition` every 2 ms until it holds or `seconds` pass.
func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = hft_monotonic_ns() + Int64(seconds * 1e9)
    while hft_monotonic_ns() < deadline {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

/// Messages received by a test client, copied out of the sink.
final class Received: Sendable {
    let messages = Mutex<[[UInt8]]>([])
    var count: Int { messages.withLock { $0.count } }
    var all: [[UInt8]] { messages.withLock { $0 } }
}

/// A sink that records every message.
struct RecordingSink: WebSocketMessageSink {
    let received: Received
    mutating func deliver(bytes: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt32) -> Bool {
        let copy = Array(bytes)
        received.messages.withLock { $0.append(copy) }
        return true
    }
}

/// Connection events of a test client.
final class Events: Sendable {
    let all = Mutex<[ConnectionEvent]>([])
    func count(_ p: (ConnectionEvent) -> Bool) -> Int { all.withLock { $0.filter(p).count } }
}

/// A test client of `url` recording messages and events.
func makeClient(_ url: String, subscribe: [String] = [], insecureTLS: Bool = false, reconnect: ReconnectPolicy = ReconnectPolicy())
    -> (WebSocketClient<RecordingSink, MonotonicReceiveClock>, Received, Events) {
    let received = Received()
    let events = Events()
    let configuration = WebSocketClientConfiguration(url: TransportURL(url)!, subscribeMessages: subscribe, reconnect: reconnect,
                                                     allowInsecureLoopbackTLS: insecureTLS)
    let client = WebSocketClient(configuration: configuration, sink: RecordingSink(received: received)) { e in
        events.all.withLock { $0.append(e) }
    }
    return (client, received, events)
}

/// One HTTP request to the simulator: (status, body text).
func http(_ method: HTTPRequest.Method, _ url: String, headers: [HTTPHeader] = [], body: String = "", insecureTLS: Bool = false)
    async throws -> (Int, String) {
    let client = HTTPClient(configuration: HTTPClientConfiguration(allowInsecureLoopbackTLS: insecureTLS))
    try client.start()
    defer { client.stop() }
    let response = try await client.execute(HTTPRequest(method: method, url: TransportURL(url)!, headers: headers, body: Array(body.utf8)))
    return (response.status, String(decoding: response.body, as: UTF8.self))
}

/// Frames of `recording` for which `keep` holds (test-side expectation, independent of the simulator's routing).
func recordedFrames(_ recording: FrameSequence, range: Range<Int>? = nil, _ keep: ([UInt8]) -> Bool) -> [[UInt8]] {
    (range ?? 0..<recording.count).map { recording.frameBytes($0) }.filter(keep)
}

func contains(_ bytes: [UInt8], _ text: String) -> Bool {
    let needle = Array(text.utf8)
    guard needle.count <= bytes.count else { return false }
    return (0...(bytes.count - needle.count)).contains { i in bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle }
}

/// Runs the Python `websockets` client; nil (with the reason) when Python or `websockets` is missing.
func runPythonClient(url: String, count: Int, subscribe: String? = nil) throws -> Result<[[UInt8]], PythonSkip> {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python_feed_client.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, url, String(count)] + (subscribe.map { [$0] } ?? [])
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus == 2 && errors.contains("websockets not installed") { return .failure(PythonSkip(reason: errors)) }
    guard process.terminationStatus == 0 else { return .failure(PythonSkip(reason: "python client failed (\(process.terminationStatus)): \(errors)", fatal: true)) }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
    return .success(lines.map { line in
        var bytes: [UInt8] = []
        var it = line.utf8.makeIterator()
        while let a = it.next(), let b = it.next() {
            func v(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : c - 0x57 }
            bytes.append(v(a) << 4 | v(b))
        }
        return bytes
    })
}

struct PythonSkip: Error {
    var reason: String
    var fatal = false
}

/// A simulator over `paths` on loopback, logging into `log` (tests read it).
func makeSimulator(_ paths: [String], held: Bool = false, waitFor: Int = 1, pacing: SimulatorPacing = .asFastAsClientsRead,
                   tls: SimulatorTLS = .none, disconnectAfter: Int? = nil, faults: [ScheduledFault] = [],
                   credentials: [SimulatorCredential] = [], clock: (@Sendable () -> Int64)? = nil) throws -> MarketSimulator {
    var configuration = SimulatorConfiguration(recordingPaths: paths, tls: tls, pacing: pacing, waitForSubscribers: waitFor,
                                               startHeld: held, faults: faults, disconnectAfterFrames: disconnectAfter,
                                               credentials: credentials)
    if let clock { configuration.clock = clock }
    let sim = try MarketSimulator(configuration: configuration)
    try sim.start()
    return sim
}
