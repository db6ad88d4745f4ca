import Execution
import Foundation
import HFTTestSupport
import HFTPrimitives
import Signing
import Simulator
import Testing
import Transport
@testable import Venues

/// Ed25519 API keys: the private key read from a PKCS#8 PEM or a base64 seed, requests signed
/// with base64 Ed25519 signatures, accepted by `hft sim` (which verifies them against the public
/// key) over the WebSocket API and REST; a wrong key is refused with -1022.
@Suite(.serialized)
struct Ed25519SigningTests {
    typealias L = LiveGatewayTests

    /// A PKCS#8 PEM (RFC 8410) of `seed`, as `openssl genpkey -algorithm ed25519` writes it.
    static func pem(_ seed: [UInt8]) -> String {
        let der: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20] + seed
        return "-----BEGIN PRIVATE KEY-----\n\(Data(der).base64EncodedString())\n-----END PRIVATE KEY-----\n"
    }

    static func seed() -> [UInt8] { (0..<32).map { _ in UInt8.random(in: 0...255) } }

    @Test func privateKeysAreReadFromPEMOrBase64AndRefusedOtherwise() {
        let s = Self.seed()
        #expect(VenueCredentials(apiKey: "k", secret: Self.pem(s), scheme: .ed25519).ed25519Seed == s)
        #expect(VenueCredentials(apiKey: "k", secret: Data(s).base64EncodedString(), scheme: .ed25519).ed25519Seed == s)
        #expect(VenueCredentials(apiKey: "k", secret: "not a key", scheme: .ed25519).ed25519Seed == nil)
        #expect(VenueCredentials(apiKey: "k", secret: Data(s + [0]).base64EncodedString(), scheme: .ed25519).ed25519Seed == nil)
        let spec = InstrumentSpec(id: InstrumentId(raw: 0), venue: .binanceUsdm, priceScale: DecimalScale(places: 1), quantityScale: DecimalScale(places: 3))
        #expect(!BinanceOrderRequests(credentials: VenueCredentials(apiKey: "k", secret: "x", scheme: .ed25519), symbol: "TESTUSDT", spec: spec).canSign)
        // The signature verifies under the public key, and the REST query carries it percent-encoded.
        let requests = BinanceOrderRequests(credentials: VenueCredentials(apiKey: "k", secret: Self.pem(s), scheme: .ed25519), symbol: "TESTUSDT", spec: spec)
        #expect(requests.canSign)
        let signature = requests.signature("symbol=TESTUSDT&timestamp=1")
        let raw = [UInt8](Data(base64Encoded: signature) ?? Data())
        #expect(raw.count == 64)
        #expect(RequestSigner.ed25519Verify(publicKey: RequestSigner.ed25519PublicKey(privateKey: s)!, message: Array("symbol=TESTUSDT&timestamp=1".utf8), signature: raw))
        let query = requests.signedQuery([("symbol", "TESTUSDT"), ("timestamp", "1")])
        #expect(!query.contains("+") && !query.contains("/") && query.hasPrefix("symbol=TESTUSDT&timestamp=1&signature="))
    }

    @Test func anEd25519KeyTradesAgainstTheSimulatorOverTheWebSocketAPIAndREST() async throws {
        let marketPath = TestScratch.path("ed25519", suffix: ".hb")
        try L.market.write(toFile: marketPath, atomically: true, encoding: .utf8)
        defer { unlink(marketPath) }
        let seed = Self.seed()
        let publicKey = try #require(RequestSigner.ed25519PublicKey(privateKey: seed))
        let apiKey = "ed25519-key-0123456789abcdef0123456789abcdef0123456789abcdef01234567"
        let sim = try MarketSimulator(configuration: SimulatorConfiguration(
            recordingPaths: [marketPath], waitForSubscribers: 0, startHeld: true,
            credentials: [SimulatorCredential(apiKey: apiKey, ed25519PublicKey: publicKey)]))
        try sim.start()
        defer { sim.stop() }
        let target = sim.position + 2
        sim.step(frames: 2)
        #expect(L.poll(5) { sim.position == target })
        let spec = try #require(sim.instruments.first { $0.symbol == "TESTUSDT" }).spec

        let requests = BinanceOrderRequests(credentials: VenueCredentials(apiKey: apiKey, secret: Self.pem(seed), scheme: .ed25519),
                                            symbol: "TESTUSDT", spec: spec)
        let config = BinanceOrderGatewayConfiguration(restBase: sim.httpBase, webSocketAPI: sim.webSocketBase + "/ws-fapi/v1", requestTimeout: .seconds(3))
        let gateway = try BinanceWebSocketOrderGateway(configuration: config, requests: requests,
                                                       reconnect: ReconnectPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1)))
        try gateway.start()
        defer { gateway.stop() }
        #expect(L.poll(5) { gateway.isConnected })

        // A resting limit buy at 99.8 over the WebSocket API: acked.
        let order = Order(intent: L.intent(.buy, .limit, px: 998, qty: 1_000), clientOrderId: ClientOrderId(raw: 41))
        let placed = await gateway.place(order)
        guard case .reply(.order(let o)) = placed else { Issue.record("place: \(placed)"); return }
        #expect(o.clientOrderId == "hft-41" && o.status == .acked)

        // REST, same key: the percent-encoded base64 signature is accepted.
        let rest = BinanceOrderGateway(configuration: config, requests: requests)
        try rest.start()
        defer { rest.stop() }
        let status = await rest.status(ClientOrderId(raw: 41))
        guard case .reply(.order(let st)) = status else { Issue.record("status: \(status)"); return }
        #expect(st.orderId == o.orderId)

        // Another key for the same API key: refused with Binance's signature error.
        let forged = BinanceOrderGateway(configuration: config, requests: BinanceOrderRequests(
            credentials: VenueCredentials(apiKey: apiKey, secret: Self.pem(Self.seed()), scheme: .ed25519), symbol: "TESTUSDT", spec: spec))
        try forged.start()
        defer { forged.stop() }
        let refused = await forged.status(ClientOrderId(raw: 41))
        guard case .reply(.error(let code, _)) = refused else { Issue.record("forged: \(refused)"); return }
        #expect(code == -1022)
    }
}
