import HFTPrimitives
import Testing
@testable import Transport

@Suite struct TransportURLTests {
    @Test func parsesWebSocketURLs() throws {
        let u = try #require(TransportURL("wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms/ethusdt@trade"))
        #expect(u.scheme == .wss)
        #expect(u.host == "stream.binance.com")
        #expect(u.port == 9443)
        #expect(u.pathAndQuery == "/stream?streams=btcusdt@depth@100ms/ethusdt@trade")
        let b = try #require(TransportURL("wss://stream.bybit.com/v5/public/spot"))
        #expect(b.port == 443)
        #expect(b.pathAndQuery == "/v5/public/spot")
        let h = try #require(TransportURL("http://127.0.0.1:8080?x=1"))
        #expect(h.port == 8080)
        #expect(h.pathAndQuery == "/?x=1")
        #expect(TransportURL("ws://host")?.pathAndQuery == "/")
    }

    @Test func rejectsMalformedURLs() {
        #expect(TransportURL("ftp://x/") == nil)
        #expect(TransportURL("ws:/x") == nil)
        #expect(TransportURL("ws://:80/") == nil)
        #expect(TransportURL("ws://host:0/") == nil)
        #expect(TransportURL("ws://host:99999/") == nil)
        #expect(TransportURL("ws://user@host/") == nil)
    }
}

@Suite struct MessageReassemblerTests {
    @Test func reassemblesFragmentsAndDropsOversized() {
        var r = MessageReassembler(capacity: 8)
        defer { r.deallocate() }
        let abc: [UInt8] = Array("abc".utf8), defg: [UInt8] = Array("defg".utf8)
        abc.withUnsafeBytes { #expect(r.append($0, isFinal: false) == .partial) }
        defg.withUnsafeBytes { #expect(r.append($0, isFinal: true) == .complete) }
        #expect(Array(r.message) == Array("abcdefg".utf8))
        r.reset()
        // 9 bytes in three fragments: oversized on the second, the third discarded, then recovery.
        abc.withUnsafeBytes { #expect(r.append($0, isFinal: false) == .partial) }
        defg.withUnsafeBytes { #expect(r.append($0, isFinal: false) == .partial) }
        abc.withUnsafeBytes { #expect(r.append($0, isFinal: false) == .oversized) }
        abc.withUnsafeBytes { #expect(r.append($0, isFinal: true) == .discarded) }
        #expect(r.isEmpty)
        defg.withUnsafeBytes { #expect(r.append($0, isFinal: true) == .complete) }
        #expect(Array(r.message) == defg)
    }
}

@Suite struct ReconnectBackoffTests {
    @Test func growsExponentiallyWithinJitterAndCap() {
        let policy = ReconnectPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(2), multiplier: 2, jitter: 0.5)
        var backoff = ReconnectBackoff(policy: policy, seed: 42)
        var previousCeiling = 0.0
        for attempt in 1...10 {
            let d = Double(backoff.nextDelay().raw)
            let ceiling = min(2e9, 1e8 * Double(1 << (attempt - 1)))
            #expect(d <= ceiling && d >= ceiling * 0.5, "attempt \(attempt): \(d) not in [\(ceiling / 2), \(ceiling)]")
            #expect(ceiling >= previousCeiling)
            previousCeiling = ceiling
        }
        #expect(backoff.attempt == 10)
        backoff.reset()
        #expect(backoff.nextDelay().raw <= 100_000_000)
    }

    @Test func jitterSpreadsDelays() {
        let policy = ReconnectPolicy(baseDelay: .milliseconds(100), jitter: 0.5)
        let delays = (1...8).map { seed -> Int64 in
            var b = ReconnectBackoff(policy: policy, seed: UInt64(seed))
            return b.nextDelay().raw
        }
        #expect(Set(delays).count > 4)
    }
}

@Suite struct ServerSendQueueTests {
    @Test func framesWrapAroundTheRing() {
        var q = ServerSendQueue(capacity: 64)
        defer { q.deallocate() }
        var out = [UInt8](repeating: 0, count: 64)
        for round in 0..<20 {
            let frame = (0..<(5 + round % 11)).map { UInt8(truncatingIfNeeded: $0 &+ round) }
            #expect(frame.withUnsafeBytes { q.push($0, kind: .text) })
            let head = q.peek()
            #expect(head?.length == frame.count)
            out.withUnsafeMutableBytes { q.pop(into: $0) }
            #expect(Array(out.prefix(frame.count)) == frame)
        }
        let big = [UInt8](repeating: 1, count: 57)
        #expect(!big.withUnsafeBytes { q.push($0, kind: .text) })
        #expect(q.isEmpty)
    }
}
