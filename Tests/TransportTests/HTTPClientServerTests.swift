import HFTTestSupport
import Synchronization
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// HTTP over loopback: the server's HTTP routes answered through `HTTPClient` (http and https).
@Suite(.serialized) struct HTTPClientServerTests {
    /// Echoes the request as a small JSON-ish text so the test can check every part.
    private static let echo = HTTPRoute(pathPrefix: "/api/", customHeaders: ["x-mbx-apikey"]) { request in
        let body = String(decoding: request.body, as: UTF8.self)
        let text = "\(request.method) \(request.path) ?\(request.query) key=\(request.headers["x-mbx-apikey"] ?? "-") "
            + "type=\(request.headers["content-type"] ?? "-") body=\(body)"
        return HTTPServerResponse(status: request.method == "POST" ? 201 : 200, contentType: "text/plain",
                                  headers: ["X-Echo": "1"], text: text)
    }

    private static let slow = HTTPRoute(pathPrefix: "/slow") { _ in
        usleep(800_000)
        return HTTPServerResponse(status: 200, text: "late")
    }

    private static let large = HTTPRoute(pathPrefix: "/depth") { _ in
        HTTPServerResponse(status: 200, body: (0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
    }

    private func startServer(tls: TLSFiles? = nil) throws -> WebSocketServer {
        let server = WebSocketServer(configuration: WebSocketServerConfiguration(
            tls: tls, httpRoutes: [Self.echo, Self.slow, Self.large]))
        try server.start()
        return server
    }

    @Test func getPostDeleteWithHeadersQueryAndJSONBody() async throws {
        let server = try startServer()
        defer { server.stop() }
        let client = HTTPClient()
        try client.start()
        defer { client.stop() }
        let base = "http://127.0.0.1:\(server.port)"

        let get = try await client.execute(HTTPRequest(
            method: .get, url: TransportURL(base + "/api/v3/depth?symbol=BTCUSDT&limit=1000")!,
            headers: [HTTPHeader("X-MBX-APIKEY", "key-123")], responseHeaders: ["x-echo", "x-absent"]))
        #expect(get.status == 200)
        #expect(get.headers == ["x-echo": "1"])
        #expect(get.contentType == "text/plain")
        #expect(String(decoding: get.body, as: UTF8.self)
            == "GET /api/v3/depth ?symbol=BTCUSDT&limit=1000 key=key-123 type=- body=")

        let json = #"{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","price":"65000.10","quantity":"0.001"}"#
        let post = try await client.execute(HTTPRequest(
            method: .post, url: TransportURL(base + "/api/v3/order")!,
            headers: [HTTPHeader("X-MBX-APIKEY", "k"), HTTPHeader("Content-Type", "application/json")],
            body: Array(json.utf8)))
        #expect(post.status == 201)
        #expect(String(decoding: post.body, as: UTF8.self)
            == "POST /api/v3/order ? key=k type=application/json body=\(json)")

        let delete = try await client.execute(HTTPRequest(method: .delete, url: TransportURL(base + "/api/v3/order?orderId=7")!))
        #expect(delete.status == 200)
        #expect(String(decoding: delete.body, as: UTF8.self).hasPrefix("DELETE /api/v3/order ?orderId=7"))

        let missing = try await client.execute(HTTPRequest(method: .get, url: TransportURL(base + "/nope")!))
        #expect(missing.status == 404)

        let big = try await client.execute(HTTPRequest(method: .get, url: TransportURL(base + "/depth")!))
        #expect(big.body == (0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
    }

    @Test func timeoutAndConnectFailureAreReported() async throws {
        let server = try startServer()
        defer { server.stop() }
        let client = HTTPClient()
        try client.start()
        defer { client.stop() }
        await #expect(throws: HTTPClientError.timedOut) {
            try await client.execute(HTTPRequest(method: .get, url: TransportURL("http://127.0.0.1:\(server.port)/slow")!,
                                                 timeout: .milliseconds(200)))
        }
        // A port nobody listens on (the server's own port after it stops is racy; use port 1).
        await #expect {
            try await client.execute(HTTPRequest(method: .get, url: TransportURL("http://127.0.0.1:1/")!))
        } throws: { error in
            if case HTTPClientError.connectFailed = error { true } else { false }
        }
    }

    @Test func httpsVerifiesCertificatesUnlessTheLoopbackTestFlagIsSet() async throws {
        let directory = TestScratch.directory("http-tls")
        let server = try startServer(tls: SelfSignedCertificate.generate(in: directory))
        defer { server.stop() }
        let url = TransportURL("https://127.0.0.1:\(server.port)/api/ping")!

        let strict = HTTPClient()
        try strict.start()
        defer { strict.stop() }
        await #expect {
            try await strict.execute(HTTPRequest(method: .get, url: url))
        } throws: { error in
            if case HTTPClientError.connectFailed = error { true } else { false }
        }

        let insecure = HTTPClient(configuration: HTTPClientConfiguration(allowInsecureLoopbackTLS: true))
        try insecure.start()
        defer { insecure.stop() }
        let response = try await insecure.execute(HTTPRequest(method: .get, url: url))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("GET /api/ping"))
        await #expect(throws: HTTPClientError.invalidRequest("insecure TLS is allowed for loopback hosts only")) {
            try await insecure.execute(HTTPRequest(method: .get, url: TransportURL("https://api.binance.com/api/v3/time")!))
        }
    }

    @Test func websocketAndHTTPShareOnePort() async throws {
        let state = FeedServerState()
        let server = WebSocketServer(configuration: WebSocketServerConfiguration(
            websocketRoutes: [state.route(prefix: "/ws/")], httpRoutes: [Self.echo]))
        try server.start()
        defer { server.stop() }
        let recorder = Recorder()
        let ws = WebSocketClient(configuration: WebSocketClientConfiguration(
            url: TransportURL("ws://127.0.0.1:\(server.port)/ws/btcusdt@depth@100ms")!), sink: RecordingSink(recorder: recorder))
        try ws.start()
        defer { ws.stop() }
        #expect(waitUntil(5) { !state.openIds.isEmpty })
        #expect(state.heads.withLock { $0.first?.path } == "/ws/btcusdt@depth@100ms")
        let client = HTTPClient()
        try client.start()
        defer { client.stop() }
        let r = try await client.execute(HTTPRequest(method: .get, url: TransportURL("http://127.0.0.1:\(server.port)/api/x")!))
        #expect(r.status == 200)
        #expect(server.send(state.openIds[0], text: "still here") == .queued)
        #expect(waitUntil(5) { recorder.texts == ["still here"] })

        // A websocket path without a route is refused.
        let events = EventLog()
        let stray = WebSocketClient(configuration: WebSocketClientConfiguration(
            url: TransportURL("ws://127.0.0.1:\(server.port)/other")!, reconnect: ReconnectPolicy(baseDelay: .seconds(5), maxDelay: .seconds(5))),
            sink: RecordingSink(recorder: Recorder())) { events.record($0) }
        try stray.start()
        #expect(waitUntil(5) { events.all.contains { if case .closed = $0 { true } else { false } } })
        stray.stop()
        #expect(state.openIds.count == 1)
    }
}
