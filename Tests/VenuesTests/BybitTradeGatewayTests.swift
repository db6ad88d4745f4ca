import Execution
import Foundation
import HFTPrimitives
import Signing
import Synchronization
import Testing
import Transport
@testable import Venues

/// The Bybit v5 trade-websocket gateway against a loopback stand-in of `/v5/trade` (the simulator
/// has no Bybit order API): the stand-in checks the `auth` signature and the request shape the way
/// Bybit documents them, answers by `reqId`, and can drop the connection with a request in flight.
@Suite(.serialized)
struct BybitTradeGatewayTests {
    static let key = "bybit-test-key"
    static let secret = "bybit-test-secret"

    /// What the stand-in venue saw and decided (service thread → test).
    final class Venue: Sendable {
        let authed = Mutex<Set<ServerConnectionId>>([])
        let orders = Mutex<[String: String]>([:])  // orderLinkId → orderId
        let creates = Mutex<Int>(0)
        let badAuth = Mutex<Int>(0)

        func route() -> WebSocketRoute {
            WebSocketRoute(pathPrefix: "/v5/trade", onMessage: { server, id, bytes in
                guard let o = (try? JSONSerialization.jsonObject(with: Data(Array(bytes)))) as? [String: Any] else { return }
                let op = o["op"] as? String ?? ""
                let reqId = o["reqId"] as? String ?? ""
                func reply(_ code: Int, _ msg: String, _ data: String = "{}") {
                    _ = server.send(id, text: "{\"reqId\":\"\(reqId)\",\"retCode\":\(code),\"retMsg\":\"\(msg)\",\"op\":\"\(op)\",\"data\":\(data)}")
                }
                switch op {
                case "auth":
                    let args = o["args"] as? [Any] ?? []
                    let expires = (args.count == 3 ? args[1] as? NSNumber : nil)?.int64Value ?? 0
                    let ok = args.count == 3 && args[0] as? String == BybitTradeGatewayTests.key
                        && args[2] as? String == RequestSigner.hmacSHA256Hex(secret: BybitTradeGatewayTests.secret, message: "GET/realtime\(expires)")
                    if ok { self.authed.withLock { _ = $0.insert(id) } } else { self.badAuth.withLock { $0 += 1 } }
                    _ = server.send(id, text: "{\"req_id\":\"\(o["req_id"] as? String ?? "")\",\"retCode\":\(ok ? 0 : 10004),\"retMsg\":\"\(ok ? "OK" : "Invalid sign")\",\"op\":\"auth\"}")
                case "order.create", "order.cancel":
                    guard self.authed.withLock({ $0.contains(id) }) else { return reply(10003, "not authenticated") }
                    let header = o["header"] as? [String: String] ?? [:]
                    guard let args = (o["args"] as? [[String: Any]])?.first, header["X-BAPI-TIMESTAMP"] != nil,
                          args["category"] as? String == "linear", args["symbol"] as? String == "ETHUSDT",
                          let link = args["orderLinkId"] as? String else { return reply(10001, "params error") }
                    if op == "order.cancel" {
                        guard let orderId = self.orders.withLock({ $0.removeValue(forKey: link) }) else { return reply(110001, "order not exists or too late to cancel") }
                        return reply(0, "OK", "{\"orderId\":\"\(orderId)\",\"orderLinkId\":\"\(link)\"}")
                    }
                    guard let qty = args["qty"] as? String, Double(qty) ?? 0 > 0 else { return reply(10001, "params error: qty") }
                    let orderId = "b-" + String(self.creates.withLock { $0 += 1; return $0 })
                    self.orders.withLock { $0[link] = orderId }
                    if qty == "0.777" {
                        _ = server.abort(id)   // acted on, then the connection dies before the reply
                        return
                    }
                    reply(0, "OK", "{\"orderId\":\"\(orderId)\",\"orderLinkId\":\"\(link)\"}")
                default:
                    break
                }
            })
        }
    }

    static func order(_ id: UInt64, qty: Int64) -> Order {
        Order(intent: Intent(instrument: InstrumentId(raw: 0), strategy: StrategyId(raw: 1), side: .buy, price: Price(raw: 250_000),
                             quantity: Quantity(raw: qty)), clientOrderId: ClientOrderId(raw: id))
    }

    @Test func authCreateCancelRejectAndDisconnectInFlight() async throws {
        let venue = Venue()
        let server = WebSocketServer(configuration: WebSocketServerConfiguration(websocketRoutes: [venue.route()]))
        try server.start()
        defer { server.stop() }
        let spec = InstrumentSpec(id: InstrumentId(raw: 0), venue: .bybitLinear, priceScale: DecimalScale(places: 2), quantityScale: DecimalScale(places: 3), tick: 1, lot: 1)
        let url = "ws://127.0.0.1:\(server.port)/v5/trade"
        let messages = BybitTradeMessages(credentials: VenueCredentials(apiKey: Self.key, secret: Self.secret), symbol: "ETHUSDT", spec: spec)
        let gateway = try BybitTradeGateway(url: url, messages: messages, requestTimeout: .seconds(3),
                                            reconnect: ReconnectPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1)))
        #expect(await gateway.create(Self.order(1, qty: 10)) == .notSent)   // not started: nothing leaves
        try gateway.start()
        defer { gateway.stop() }
        #expect(LiveGatewayTests.poll(5) { gateway.isReady })

        guard case .accepted(let orderId) = await gateway.create(Self.order(2, qty: 10)) else { Issue.record("create"); return }
        #expect(venue.orders.withLock { $0["hft-2"] } == orderId)
        #expect(await gateway.cancel(ClientOrderId(raw: 2)) == .accepted(orderId: orderId))
        #expect(await gateway.cancel(ClientOrderId(raw: 2)) == .rejected(code: 110001, message: "order not exists or too late to cancel"))
        #expect(await gateway.create(Self.order(3, qty: 0)) == .rejected(code: 10001, message: "params error: qty"))

        // The venue acts, then the connection dies before its reply: outcome unknown; the gateway
        // reconnects and authenticates again.
        #expect(await gateway.create(Self.order(4, qty: 777)) == .outcomeUnknown)
        #expect(venue.orders.withLock { $0["hft-4"] } != nil)
        #expect(LiveGatewayTests.poll(5) { gateway.isReady && venue.authed.withLock { $0.count } == 2 })
        guard case .accepted = await gateway.cancel(ClientOrderId(raw: 4)) else { Issue.record("cancel after reconnect"); return }

        // A wrong secret: auth refused, nothing is sent.
        let forged = try BybitTradeGateway(url: url, messages: BybitTradeMessages(credentials: VenueCredentials(apiKey: Self.key, secret: "wrong"),
                                                                                symbol: "ETHUSDT", spec: spec))
        try forged.start()
        #expect(LiveGatewayTests.poll(5) { forged.authFailures == 1 })
        #expect(!forged.isReady)
        #expect(await forged.create(Self.order(5, qty: 10)) == .notSent)
        forged.stop()
        #expect(venue.creates.withLock { $0 } == 2 && venue.badAuth.withLock { $0 } == 1)
    }
}
