import Execution
import HFTPrimitives
import MarketData
import Transport

extension MarketSimulator {
    /// `POST` (place), `DELETE` (cancel), `GET` (status) `/fapi/v1/order`; events go to user-data streams.
    func restOrderResponse(_ r: HTTPServerRequest) -> HTTPServerResponse {
        let action: OrderAction
        switch r.method {
        case "POST": action = .place
        case "DELETE": action = .cancel
        case "GET": action = .status
        default: return HTTPServerResponse(status: 405, text: "{\"code\":-1014,\"msg\":\"Unsupported order combination.\"}")
        }
        let request = BinanceSignedRequest.rest(query: r.query, body: String(decoding: r.body, as: UTF8.self), apiKey: r.headers["x-mbx-apikey"])
        switch perform(action, request) {
        case .success(let (order, events)):
            if let server, !events.isEmpty {
                let log = configuration.log
                let blocked = state.withLock { s in MarketSimulator.deliver(events, state: &s, server: server, disconnectAfter: nil, log: log) }
                if !blocked.isEmpty { log("sim: \(blocked.count) user-data event(s) dropped: send queue full") }
            }
            return HTTPServerResponse(status: 200, text: order.json)
        case .failure(let e):
            return HTTPServerResponse(status: e.httpStatus, text: e.json)
        }
    }

    /// One WebSocket API request (`order.place`, `order.cancel`, `order.status`): the response text
    /// and the user-data events it caused.
    func handleWebSocketAPI(_ bytes: UnsafeRawBufferPointer) -> (response: String, events: [OutgoingMessage]) {
        guard let request = SimJSON.parse(bytes) else {
            return ("{\"id\":null,\"status\":400,\"error\":{\"code\":-1100,\"msg\":\"Malformed request.\"}}", [])
        }
        let id = request["id"]?.rendered ?? "null"
        let method = request["method"]?.text ?? ""
        let action: OrderAction
        switch method {
        case "order.place": action = .place
        case "order.cancel": action = .cancel
        case "order.status": action = .status
        default:
            return ("{\"id\":\(id),\"status\":400,\"error\":{\"code\":-1020,\"msg\":\"This operation is not supported.\"}}", [])
        }
        var params: [(String, String)] = []
        if case .object(let members)? = request["params"] {
            for (k, v) in members { if let t = v.text { params.append((k, t)) } }
        }
        switch perform(action, BinanceSignedRequest.webSocket(params: params)) {
        case .success(let (order, events)):
            return ("{\"id\":\(id),\"status\":200,\"result\":\(order.json),\"rateLimits\":[]}", events)
        case .failure(let e):
            return ("{\"id\":\(id),\"status\":\(e.httpStatus),\"error\":\(e.json)}", [])
        }
    }

    /// Verifies and carries out one order request against the replayed book.
    func perform(_ action: OrderAction, _ request: BinanceSignedRequest) -> Result<(SimulatedOrder, [OutgoingMessage]), BinanceAPIError> {
        let now = configuration.clock()
        let result = perform(action, request, now: now)
        if case .failure(let e) = result {
            state.withLock { $0.statistics.orderErrors += 1 }
            configuration.log("sim: order \(action) refused: \(e.code) \(e.message)")
        }
        return result
    }

    private func perform(_ action: OrderAction, _ request: BinanceSignedRequest, now: Int64) -> Result<(SimulatedOrder, [OutgoingMessage]), BinanceAPIError> {
        if case .failure(let e) = request.verify(credentials: configuration.credentials, serverTimeMillis: now) { return .failure(e) }
        let p = request.parameters
        guard let symbol = p["symbol"], !symbol.isEmpty else { return .failure(.missing("symbol")) }
        guard let instrument = instruments.firstIndex(where: { $0.symbol.uppercased() == symbol.uppercased() }) else {
            return .failure(.invalidSymbol)
        }
        switch action {
        case .place: return place(p, instrument: instrument, now: now)
        case .cancel, .status:
            let orderId = p["orderId"].flatMap { Int64($0) }
            let clientId = p["origClientOrderId"]
            guard orderId != nil || clientId != nil else {
                return .failure(BinanceAPIError(code: -1102, message: "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"))
            }
            let log = configuration.log
            return state.withLock { s -> Result<(SimulatedOrder, [OutgoingMessage]), BinanceAPIError> in
                guard let key = orderId ?? clientId.flatMap({ s.clientOrderIds[$0] }), let order = s.orders[key],
                      order.instrument == instrument else {
                    return .failure(action == .cancel ? .unknownOrder : BinanceAPIError(code: -2013, message: "Order does not exist."))
                }
                if action == .status { return .success((order, [])) }
                guard order.isOpen else { return .failure(.unknownOrder) }
                var events: [OutgoingMessage] = []
                // SAFETY: `instrument` came from `instruments.firstIndex` (< count).
                _ = s.venues[instrument].cancel(ClientOrderId(raw: UInt64(key)), side: order.side, now: s.venueNow)
                s.processRequests(instrument: instrument)
                s.drainReports(instrument: instrument, eventMillis: now, into: &events)
                guard let after = s.orders[key], after.status == "CANCELED" else { return .failure(.unknownOrder) }
                log("sim: order \(after.orderId) canceled")
                return .success((after, events))
            }
        }
    }

    private func place(_ p: [String: String], instrument i: Int, now: Int64) -> Result<(SimulatedOrder, [OutgoingMessage]), BinanceAPIError> {
        let spec = instruments[i].spec
        guard let sideText = p["side"], !sideText.isEmpty else { return .failure(.missing("side")) }
        let side: Side
        switch sideText {
        case "BUY": side = .buy
        case "SELL": side = .sell
        default: return .failure(.invalidValue("side", sideText))
        }
        guard let typeText = p["type"], !typeText.isEmpty else { return .failure(.missing("type")) }
        let kind: OrderKind
        switch typeText {
        case "LIMIT": kind = .limit
        case "MARKET": kind = .market
        default: return .failure(.invalidValue("type", typeText))
        }
        guard let quantityText = p["quantity"], !quantityText.isEmpty else { return .failure(.missing("quantity")) }
        guard let q = try? DecimalParser.parse(quantityText, places: spec.quantityScale.places), q > 0 else { return .failure(.filter("LOT_SIZE")) }
        var price = Price.zero
        var tif = TimeInForce.ioc
        if kind == .limit {
            guard let tifText = p["timeInForce"], !tifText.isEmpty else { return .failure(.missing("timeInForce")) }
            switch tifText {
            case "GTC": tif = .gtc
            case "IOC": tif = .ioc
            case "FOK": tif = .fok
            case "GTX": tif = .postOnly
            default: return .failure(.invalidValue("timeInForce", tifText))
            }
            guard let priceText = p["price"], !priceText.isEmpty else { return .failure(.missing("price")) }
            guard let raw = try? DecimalParser.parse(priceText, places: spec.priceScale.places), raw > 0 else { return .failure(.filter("PRICE_FILTER")) }
            price = Price(raw: raw)
        }
        let symbol = instruments[i].symbol
        let log = configuration.log
        return state.withLock { s -> Result<(SimulatedOrder, [OutgoingMessage]), BinanceAPIError> in
            let orderId = s.nextOrderId
            let clientId = p["newClientOrderId"].flatMap { $0.isEmpty ? nil : $0 } ?? "sim-\(orderId)"
            if s.clientOrderIds[clientId] != nil { return .failure(.duplicateClientOrderId) }
            s.nextOrderId += 1
            let order = SimulatedOrder(orderId: orderId, symbol: symbol, instrument: i, spec: spec, clientOrderId: clientId, side: side,
                                       kind: kind, timeInForce: tif, price: price, quantity: Quantity(raw: q), updateTime: now)
            s.orders[orderId] = order
            s.clientOrderIds[clientId] = orderId
            let intent = Intent(instrument: InstrumentId(raw: UInt32(i)), strategy: StrategyId(raw: 0), side: side, kind: kind,
                                timeInForce: tif, price: price, quantity: Quantity(raw: q))
            // SAFETY: `i` came from `instruments.firstIndex` (< count).
            guard s.venues[i].submit(Order(intent: intent, clientOrderId: ClientOrderId(raw: UInt64(orderId))), now: s.venueNow) == .accepted else {
                s.orders[orderId] = nil
                return .failure(.orderRejected)
            }
            s.processRequests(instrument: i)
            var events: [OutgoingMessage] = []
            s.drainReports(instrument: i, eventMillis: now, into: &events)
            guard let after = s.orders[orderId] else { return .failure(.orderRejected) }
            if after.status == "REJECTED" {
                s.orders[orderId] = nil
                if after.rejectCode == -5022 {
                    return .failure(BinanceAPIError(code: -5022, message: "Due to the order could not be executed as maker, the Post Only order will be rejected."))
                }
                return .failure(.orderRejected)
            }
            s.statistics.ordersAccepted += 1
            log("sim: order \(orderId) \(clientId) \(after.sideText) \(after.typeText) \(quantityTextFor(after)) @ \(after.price(price.raw)) → \(after.status)")
            return .success((after, events))
        }
    }

    private func quantityTextFor(_ o: SimulatedOrder) -> String { o.quantity(o.quantity.raw) }
}

extension SimulatorState {
    /// Lets the paper venue of instrument `i` act on its queued requests against the current book.
    mutating func processRequests(instrument i: Int) {
        let now = venueNow
        let v = venues
        // SAFETY: callers pass an instrument index < instruments.count.
        feed.withBook(InstrumentId(raw: UInt32(i))) { synced in v[i].process(until: now, book: synced.book) }
    }
}
