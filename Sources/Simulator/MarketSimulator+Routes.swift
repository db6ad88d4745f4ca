import Foundation
import HFTPrimitives
import MarketData
import Transport

extension MarketSimulator {
    /// Websocket routes: WebSocket API, Binance raw and combined streams (and user data), Bybit public.
    func webSocketRoutes() -> [WebSocketRoute] {
        let log = configuration.log
        return [
            WebSocketRoute(pathPrefix: "/ws-fapi/v1", onOpen: { [weak self] _, id, _ in
                guard let self else { return false }
                self.addSubscription(id, Subscription(kind: .webSocketAPI, streams: [], connectionTag: ""))
                log("sim: \(id) opened the WebSocket API")
                return true
            }, onMessage: { [weak self] server, id, bytes in
                guard let self else { return }
                let drop = self.state.withLock { s in
                    defer { s.dropNextOrderReply = false }
                    return s.dropNextOrderReply
                }
                let reply = self.handleWebSocketAPI(bytes)
                let blocked = self.state.withLock { s -> [OutgoingMessage] in
                    var out = drop ? [] : [OutgoingMessage(connection: id, bytes: Array(reply.response.utf8))]
                    out += reply.events
                    return MarketSimulator.deliver(out, state: &s, server: server, disconnectAfter: nil, log: log)
                }
                if drop {
                    log("sim: \(id) WebSocket API reply withheld, connection dropped (fault)")
                    _ = server.abort(id)
                }
                if !blocked.isEmpty { log("sim: \(blocked.count) WebSocket API message(s) dropped: send queue full") }
            }, onClose: { [weak self] _, id in self?.removeSubscription(id) }),

            WebSocketRoute(pathPrefix: "/ws/", onOpen: { [weak self] _, id, head in
                guard let self else { return false }
                let rest = String(head.path.dropFirst("/ws/".count))
                if let apiKey = self.state.withLock({ $0.listenKeys[rest] }) {
                    self.addSubscription(id, Subscription(kind: .userData(apiKey: apiKey), streams: [], connectionTag: rest))
                    log("sim: \(id) opened the user-data stream")
                    return true
                }
                let streams = Set(rest.split(separator: "/").map { RecordedFrameInfo.normalizeStream(String($0)) })
                self.addSubscription(id, Subscription(kind: .binanceRaw, streams: streams, connectionTag: ""))
                log("sim: \(id) subscribed (raw) to \(streams.sorted().joined(separator: ","))")
                return true
            }, onMessage: { [weak self] server, id, bytes in
                self?.handleBinanceSubscribe(server, id, bytes)
            }, onClose: { [weak self] _, id in self?.removeSubscription(id) }),

            WebSocketRoute(pathPrefix: "/stream", onOpen: { [weak self] _, id, head in
                guard let self else { return false }
                var streams: Set<String> = []
                for pair in head.query.split(separator: "&") where pair.hasPrefix("streams=") {
                    for s in pair.dropFirst("streams=".count).split(separator: "/") { streams.insert(RecordedFrameInfo.normalizeStream(String(s))) }
                }
                self.addSubscription(id, Subscription(kind: .binanceCombined, streams: streams, connectionTag: ""))
                log("sim: \(id) subscribed (combined) to \(streams.sorted().joined(separator: ","))")
                return true
            }, onMessage: { [weak self] server, id, bytes in
                self?.handleBinanceSubscribe(server, id, bytes)
            }, onClose: { [weak self] _, id in self?.removeSubscription(id) }),

            WebSocketRoute(pathPrefix: "/v5/public/", onOpen: { [weak self] _, id, head in
                guard let self else { return false }
                let spot = head.path.hasSuffix("/spot")
                let tag = self.state.withLock { s -> String in
                    s.nextConnectionTag += 1
                    return "sim-\(s.nextConnectionTag)"
                }
                self.addSubscription(id, Subscription(kind: .bybit(spot: spot), streams: [], connectionTag: tag))
                log("sim: \(id) opened Bybit \(head.path)")
                return true
            }, onMessage: { [weak self] server, id, bytes in
                self?.handleBybitMessage(server, id, bytes)
            }, onClose: { [weak self] _, id in self?.removeSubscription(id) }),
        ]
    }

    func addSubscription(_ id: ServerConnectionId, _ sub: Subscription) {
        state.withLock { $0.subscriptions[id] = sub }
    }

    func removeSubscription(_ id: ServerConnectionId) {
        state.withLock { _ = $0.subscriptions.removeValue(forKey: id) }
        configuration.log("sim: \(id) closed")
    }

    /// Binance live `SUBSCRIBE` / `UNSUBSCRIBE` / `LIST_SUBSCRIPTIONS` on a market connection.
    func handleBinanceSubscribe(_ server: WebSocketServer, _ id: ServerConnectionId, _ bytes: UnsafeRawBufferPointer) {
        let log = configuration.log
        guard let request = SimJSON.parse(bytes), let method = request["method"]?.text else {
            _ = server.send(id, text: "{\"error\":{\"code\":2,\"msg\":\"Invalid request\"}}")
            return
        }
        let requestId = request["id"]?.rendered ?? "null"
        var names: [String] = []
        if case .array(let items)? = request["params"] { names = items.compactMap(\.text) }
        let reply: String = state.withLock { s -> String in
            guard var sub = s.subscriptions[id] else { return "" }
            switch method {
            case "SUBSCRIBE": for n in names { sub.streams.insert(RecordedFrameInfo.normalizeStream(n)) }
            case "UNSUBSCRIBE": for n in names { sub.streams.remove(RecordedFrameInfo.normalizeStream(n)) }
            case "LIST_SUBSCRIPTIONS":
                s.subscriptions[id] = sub
                return "{\"result\":[" + sub.streams.sorted().map { SimJSON.quote($0) }.joined(separator: ",") + "],\"id\":\(requestId)}"
            default: return "{\"error\":{\"code\":1,\"msg\":\"Invalid method\"},\"id\":\(requestId)}"
            }
            s.subscriptions[id] = sub
            return "{\"result\":null,\"id\":\(requestId)}"
        }
        if !reply.isEmpty { _ = server.send(id, text: reply) }
        log("sim: \(id) \(method) \(names.joined(separator: ","))")
    }

    /// Bybit v5 public: `subscribe` (ack, then a snapshot of each order-book topic whose book is
    /// current), `unsubscribe`, and the `ping` heartbeat.
    func handleBybitMessage(_ server: WebSocketServer, _ id: ServerConnectionId, _ bytes: UnsafeRawBufferPointer) {
        let log = configuration.log
        guard let request = SimJSON.parse(bytes), let op = request["op"]?.text else {
            _ = server.send(id, text: "{\"success\":false,\"ret_msg\":\"error:invalid request\",\"op\":\"\"}")
            return
        }
        let reqId = request["req_id"]?.text
        var topics: [String] = []
        if case .array(let items)? = request["args"] { topics = items.compactMap(\.text) }
        let known = Set(frameInfo.compactMap(\.topic))
        let millis = configuration.clock()
        let blocked = state.withLock { s -> [OutgoingMessage] in
            guard var sub = s.subscriptions[id], case .bybit(let spot) = sub.kind else { return [] }
            var out: [OutgoingMessage] = []
            let reqField = reqId.map { ",\"req_id\":\(SimJSON.quote($0))" } ?? ""
            switch op {
            case "ping":
                let text = spot
                    ? "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"\(sub.connectionTag)\"\(reqField),\"op\":\"ping\"}"
                    : "{\"op\":\"pong\",\"args\":[\"\(millis)\"],\"conn_id\":\"\(sub.connectionTag)\"\(reqField)}"
                out.append(OutgoingMessage(connection: id, bytes: Array(text.utf8)))
            case "subscribe", "unsubscribe":
                let unknown = topics.filter { !known.contains($0) }
                if op == "subscribe" && !unknown.isEmpty {
                    let text = "{\"success\":false,\"ret_msg\":\"error:handler not found,topic:\(unknown[0])\",\"conn_id\":\"\(sub.connectionTag)\"\(reqField),\"op\":\"subscribe\"}"
                    out.append(OutgoingMessage(connection: id, bytes: Array(text.utf8)))
                    break
                }
                if op == "subscribe" { sub.streams.formUnion(topics) } else { sub.streams.subtract(topics) }
                s.subscriptions[id] = sub
                let text = "{\"success\":true,\"ret_msg\":\"\(spot ? op : "")\",\"conn_id\":\"\(sub.connectionTag)\"\(reqField),\"op\":\"\(op)\"}"
                out.append(OutgoingMessage(connection: id, bytes: Array(text.utf8)))
                if op == "subscribe" {
                    for topic in topics where topic.hasPrefix("orderbook.") {
                        guard let current = s.bybitCurrentU(topic: topic) else { continue }
                        let u = current - (s.bybitOffsets[topic] ?? 0)
                        if let snapshot = s.bybitSnapshot(topic: topic, u: u) {
                            out.append(OutgoingMessage(connection: id, bytes: snapshot, isMarketFrame: true))
                        }
                    }
                }
            default:
                let text = "{\"success\":false,\"ret_msg\":\"error:unsupported op \(op)\",\"conn_id\":\"\(sub.connectionTag)\"\(reqField),\"op\":\"\(op)\"}"
                out.append(OutgoingMessage(connection: id, bytes: Array(text.utf8)))
            }
            return MarketSimulator.deliver(out, state: &s, server: server, disconnectAfter: nil, log: log)
        }
        if !blocked.isEmpty { log("sim: \(blocked.count) Bybit reply message(s) dropped: send queue full") }
        if op != "ping" { log("sim: \(id) bybit \(op) \(topics.joined(separator: ","))") }
    }

    /// Plain HTTP routes: depth snapshots, time/ping, orders, listen keys, the control API.
    func httpRoutes() -> [HTTPRoute] {
        let json = "application/json"
        return [
            HTTPRoute(pathPrefix: "/api/v3/depth") { [weak self] r in self?.depthResponse(r, futures: false) ?? HTTPServerResponse(status: 503) },
            HTTPRoute(pathPrefix: "/fapi/v1/depth") { [weak self] r in self?.depthResponse(r, futures: true) ?? HTTPServerResponse(status: 503) },
            HTTPRoute(pathPrefix: "/api/v3/ping") { _ in HTTPServerResponse(status: 200, contentType: json, text: "{}") },
            HTTPRoute(pathPrefix: "/fapi/v1/ping") { _ in HTTPServerResponse(status: 200, contentType: json, text: "{}") },
            HTTPRoute(pathPrefix: "/api/v3/time") { [weak self] _ in
                HTTPServerResponse(status: 200, text: "{\"serverTime\":\(self?.configuration.clock() ?? 0)}")
            },
            HTTPRoute(pathPrefix: "/fapi/v1/time") { [weak self] _ in
                HTTPServerResponse(status: 200, text: "{\"serverTime\":\(self?.configuration.clock() ?? 0)}")
            },
            HTTPRoute(pathPrefix: "/fapi/v1/listenKey", customHeaders: ["x-mbx-apikey"]) { [weak self] r in
                self?.listenKeyResponse(r) ?? HTTPServerResponse(status: 503)
            },
            HTTPRoute(pathPrefix: "/fapi/v1/order", customHeaders: ["x-mbx-apikey"]) { [weak self] r in
                self?.restOrderResponse(r) ?? HTTPServerResponse(status: 503)
            },
            HTTPRoute(pathPrefix: "/sim/") { [weak self] r in self?.controlResponse(r) ?? HTTPServerResponse(status: 503) },
        ]
    }

    static func queryValue(_ query: String, _ name: String) -> String? {
        for pair in query.split(separator: "&") where pair.hasPrefix(name + "=") { return String(pair.dropFirst(name.count + 1)) }
        return nil
    }

    func depthResponse(_ r: HTTPServerRequest, futures: Bool) -> HTTPServerResponse {
        guard let symbol = MarketSimulator.queryValue(r.query, "symbol"), !symbol.isEmpty else {
            return HTTPServerResponse(status: 400, text: BinanceAPIError.missing("symbol").json)
        }
        let limit = MarketSimulator.queryValue(r.query, "limit").flatMap { Int($0) } ?? (futures ? 500 : 100)
        guard limit > 0 && limit <= 5000 else {
            return HTTPServerResponse(status: 400, text: BinanceAPIError(code: -1100, message: "Illegal characters found in parameter 'limit'.").json)
        }
        let body: String?? = state.withLock { s in
            guard let i = s.instrument(symbol: symbol) else { return .none }
            s.statistics.snapshotsServed += 1
            return .some(s.depthSnapshot(instrument: i, limit: limit, futures: futures))
        }
        switch body {
        case .none: return HTTPServerResponse(status: 400, text: BinanceAPIError.invalidSymbol.json)
        case .some(.none):
            let e = BinanceAPIError.notReady
            return HTTPServerResponse(status: e.httpStatus, text: e.json)
        case .some(.some(let text)):
            configuration.log("sim: REST depth snapshot \(symbol) limit \(limit)")
            return HTTPServerResponse(status: 200, text: text)
        }
    }

    func listenKeyResponse(_ r: HTTPServerRequest) -> HTTPServerResponse {
        guard let key = r.headers["x-mbx-apikey"], !key.isEmpty else {
            let e = BinanceAPIError.apiKeyFormat
            return HTTPServerResponse(status: e.httpStatus, text: e.json)
        }
        guard configuration.credentials.contains(where: { $0.apiKey == key }) else {
            let e = BinanceAPIError.invalidAPIKey
            return HTTPServerResponse(status: e.httpStatus, text: e.json)
        }
        let listenKey: String = state.withLock { s in
            if r.method == "POST" || r.method == "PUT" {
                if let existing = s.listenKeys.first(where: { $0.value == key })?.key { return existing }
                var g = SystemRandomNumberGenerator()
                let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                let k = String((0..<64).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })
                s.listenKeys[k] = key
                return k
            }
            if let existing = s.listenKeys.first(where: { $0.value == key })?.key { s.listenKeys[existing] = nil }
            return ""
        }
        configuration.log("sim: listenKey \(r.method)")
        return HTTPServerResponse(status: 200, text: listenKey.isEmpty ? "{}" : "{\"listenKey\":\"\(listenKey)\"}")
    }

    /// `/sim/fault` (POST `{"kind":…}`), `/sim/step` (POST `{"frames":N}`), `/sim/hold` (POST
    /// `{"hold":true}`), `/sim/status` (GET).
    func controlResponse(_ r: HTTPServerRequest) -> HTTPServerResponse {
        let body = r.body.withUnsafeBytes { SimJSON.parse($0) } ?? .object([])
        switch r.path {
        case "/sim/fault":
            guard let fault = SimulatorFault(json: body) else {
                return HTTPServerResponse(status: 400, text: "{\"error\":\"kind must be disconnect, gap, duplicate, reorder, malformed, stall or bybit-restart\"}")
            }
            inject(fault)
            return HTTPServerResponse(status: 200, text: "{\"injected\":\"\(fault)\"}")
        case "/sim/step":
            step(frames: body["frames"]?.int ?? 1)
            return HTTPServerResponse(status: 200, text: "{}")
        case "/sim/hold":
            holdReplay(body["hold"] == .bool(true))
            return HTTPServerResponse(status: 200, text: "{}")
        case "/sim/status":
            let st = statistics
            return HTTPServerResponse(status: 200, text: "{\"venue\":\"\(venue.name)\",\"position\":\(position),\"frames\":\(recording.count)," +
                "\"finished\":\(isFinished),\"framesProcessed\":\(st.framesProcessed),\"messagesSent\":\(st.messagesSent)," +
                "\"faultsInjected\":\(st.faultsInjected),\"diffsSkipped\":\(st.diffsSkipped),\"snapshotsServed\":\(st.snapshotsServed)," +
                "\"ordersAccepted\":\(st.ordersAccepted),\"orderErrors\":\(st.orderErrors),\"fills\":\(st.fills)}")
        default:
            return HTTPServerResponse(status: 404, text: "{\"error\":\"unknown control endpoint\"}")
        }
    }
}
