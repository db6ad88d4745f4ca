import Foundation
import HFTTestSupport
import HFTPrimitives
import MarketData
import Simulator
import Testing
import Transport

/// The simulator serves recorded frames exactly: to an independent client (Python `websockets`)
/// and to our own `WebSocketClient`, over ws and wss, in Binance's and Bybit's protocols.
@Suite(.serialized)
struct FeedServingTests {
    static let cryptofeed = marketDataPath("binance/cryptofeed-2021/BINANCE.ws.1.0")
    static let bybitSpot = marketDataPath("bybit/cryptofeed_v3_BYBIT_spot_ws3.txt")
    static let combinedStreams = "nknusdt@depth@100ms/blzeth@depth@100ms/lrcbtc@depth@100ms/runeeur@depth@100ms/nknusdt@bookTicker/" +
        "blzeth@bookTicker/lrcbtc@bookTicker/runeeur@bookTicker/nknusdt@kline_1m/blzeth@kline_1m/lrcbtc@kline_1m/runeeur@kline_1m/" +
        "nknusdt@aggTrade/blzeth@aggTrade/lrcbtc@aggTrade/runeeur@aggTrade"

    /// Two clients at once on `/stream?streams=…`: Python and ours both get every recorded websocket
    /// frame, byte for byte, in order.
    @Test func combinedStreamExactToPythonAndOwnClient() throws {
        let recording = try RecordingImporter.load(path: Self.cryptofeed)
        let expected = recordedFrames(recording) { contains($0, "\"stream\":\"") }
        #expect(expected.count == 265)
        let sim = try makeSimulator([Self.cryptofeed], waitFor: 2)
        defer { sim.stop() }
        let url = "\(sim.webSocketBase)/stream?streams=\(Self.combinedStreams)"
        let (client, received, _) = makeClient(url)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { sim.marketSubscriberCount == 1 })
        switch try runPythonClient(url: url, count: expected.count) {
        case .failure(let skip):
            #expect(!skip.fatal, "\(skip.reason)")
            print("SKIPPED python part: \(skip.reason) (pip install websockets)")
            sim.inject(.disconnect)
        case .success(let python):
            #expect(python.count == expected.count)
            #expect(python == expected, "python client frames differ from the recording")
            #expect(waitUntil(10) { received.count == expected.count })
            #expect(received.all == expected, "our client's frames differ from the recording")
        }
    }

    /// `/ws/<stream>` over wss (self-signed certificate made at start): the raw payloads, i.e. the
    /// recorded `data` values, exactly.
    @Test func rawStreamOverTLSExact() throws {
        let recording = try RecordingImporter.load(path: Self.cryptofeed)
        let expected: [[UInt8]] = recordedFrames(recording) { contains($0, "\"stream\":\"nknusdt@depth@100ms\"") }.map { frame in
            let key = Array("\"data\":".utf8)
            let k = (0...(frame.count - key.count)).first { Array(frame[$0..<($0 + key.count)]) == key }!
            return Array(frame[(k + key.count)..<(frame.count - 1)])
        }
        #expect(expected.count > 10)
        let directory = TestScratch.path("sim-tls")
        let sim = try makeSimulator([Self.cryptofeed], waitFor: 1, tls: .selfSigned(directory: directory))
        defer { sim.stop() }
        #expect(sim.webSocketBase.hasPrefix("wss://"))
        let url = "\(sim.webSocketBase)/ws/nknusdt@depth@100ms"
        switch try runPythonClient(url: url, count: expected.count) {
        case .failure(let skip):
            #expect(!skip.fatal, "\(skip.reason)")
            print("SKIPPED: \(skip.reason) (pip install websockets)")
        case .success(let python):
            #expect(python == expected)
        }
    }

    /// Bybit `/v5/public/spot`: subscribe → our ack, then exactly the recorded frames of the topics.
    @Test func bybitSubscribeProtocolExact() throws {
        let recording = try RecordingImporter.load(path: Self.bybitSpot)
        let topics = ["orderbook.200.BTCUSDT", "publicTrade.BTCUSDT"]
        let expected = recordedFrames(recording) { f in topics.contains { contains(f, "\"topic\":\"\($0)\"") } }
        #expect(expected.count > 300)
        let sim = try makeSimulator([Self.bybitSpot], waitFor: 1)
        defer { sim.stop() }
        let subscribe = "{\"op\":\"subscribe\",\"req_id\":\"t1\",\"args\":[\"orderbook.200.BTCUSDT\",\"publicTrade.BTCUSDT\"]}"
        switch try runPythonClient(url: "\(sim.webSocketBase)/v5/public/spot", count: expected.count + 1, subscribe: subscribe) {
        case .failure(let skip):
            #expect(!skip.fatal, "\(skip.reason)")
            print("SKIPPED: \(skip.reason) (pip install websockets)")
        case .success(let python):
            let ack = String(decoding: python.first ?? [], as: UTF8.self)
            #expect(ack.contains("\"success\":true") && ack.contains("\"op\":\"subscribe\"") && ack.contains("\"req_id\":\"t1\""))
            #expect(Array(python.dropFirst()) == expected)
        }
    }

    /// Bybit heartbeat and an unknown topic, with our own client.
    @Test func bybitPingAndUnknownTopic() throws {
        let sim = try makeSimulator([Self.bybitSpot], held: true, waitFor: 0)
        defer { sim.stop() }
        let (client, received, _) = makeClient("\(sim.webSocketBase)/v5/public/spot", subscribe: [
            "{\"op\":\"ping\",\"req_id\":\"p1\"}", "{\"op\":\"subscribe\",\"req_id\":\"s1\",\"args\":[\"orderbook.50.NOPEUSDT\"]}",
        ])
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { received.count == 2 })
        let texts = received.all.map { String(decoding: $0, as: UTF8.self) }
        #expect(texts.first?.contains("\"ret_msg\":\"pong\"") == true && texts.first?.contains("\"req_id\":\"p1\"") == true)
        #expect(texts.last?.contains("\"success\":false") == true && texts.last?.contains("NOPEUSDT") == true)
    }
}
