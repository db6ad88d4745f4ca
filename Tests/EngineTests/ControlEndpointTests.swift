import Engine
import HFTTelemetry
import Synchronization
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// The control endpoint over real loopback HTTP (`Transport.HTTPClient`), with handlers backed by
/// a small in-test engine state.
@Suite(.serialized) struct ControlEndpointTests {
    static let token = "test-token-0123456789abcdef"

    /// What the handlers of one test saw and changed.
    final class FakeEngine: Sendable {
        struct State {
            var mode = "paper"
            var armed = false
            var killed = false
            var killCalls = 0
            var modeCalls = 0
            var swaps: [(path: String, config: String)] = []
        }

        let state = Mutex(State())
        let metricsText: String

        init(metricsText: String) { self.metricsText = metricsText }

        var snapshot: State { state.withLock { $0 } }

        var handlers: ControlHandlers {
            ControlHandlers(
                metrics: { [metricsText] in metricsText },
                status: { [self] in
                    state.withLock { s in #"{"mode":"\#(s.mode)","killed":\#(s.killed)}"# }
                },
                setMode: { [self] body in
                    state.withLock { $0.modeCalls += 1 }
                    let request: ControlModeRequest
                    do { request = try ControlModeRequest(json: body) } catch { return .error(500, "endpoint passed \(body)") }
                    guard ["paper", "live", "replay"].contains(request.mode) else {
                        return .error(400, "unknown mode \(request.mode)")
                    }
                    if request.mode == "live" && !request.arm { return .error(409, "live trading needs arm") }
                    state.withLock { $0.mode = request.mode; $0.armed = request.arm }
                    return .ok(["mode": ControlJSON.quoted(request.mode)])
                },
                kill: { [self] in
                    let already = state.withLock { s -> Bool in
                        s.killCalls += 1
                        defer { s.killed = true }
                        return s.killed
                    }
                    return .ok(["already": already ? "true" : "false"])
                },
                swapPlugin: { [self] path, config in
                    state.withLock { $0.swaps.append((path, config)) }
                    return .ok(["path": ControlJSON.quoted(path)])
                })
        }
    }

    /// A started endpoint on an ephemeral port, a started client, and the fake engine.
    struct Harness {
        let engine: FakeEngine
        let endpoint: ControlEndpoint
        let client: HTTPClient

        init(metrics: String = "# TYPE hft_mode gauge\nhft_mode{mode=\"paper\"} 1\n") throws {
            engine = FakeEngine(metricsText: metrics)
            endpoint = try ControlEndpoint(port: 0, token: ControlEndpointTests.token, handlers: engine.handlers)
            try endpoint.start()
            client = HTTPClient()
            try client.start()
        }

        func stop() {
            client.stop()
            endpoint.stop()
        }

        func send(_ method: HTTPRequest.Method, _ path: String, authorization: String? = nil,
                  body: String? = nil) async throws -> HTTPResponse {
            var headers: [HTTPHeader] = []
            if let authorization { headers.append(HTTPHeader("Authorization", authorization)) }
            if body != nil { headers.append(HTTPHeader("Content-Type", "application/json")) }
            let url = try #require(TransportURL("http://127.0.0.1:\(endpoint.port)\(path)"))
            return try await client.execute(HTTPRequest(
                method: method, url: url, headers: headers, body: Array((body ?? "").utf8), timeout: .seconds(5)))
        }

        func post(_ path: String, body: String? = nil, token: String? = ControlEndpointTests.token) async throws -> HTTPResponse {
            try await send(.post, path, authorization: token.map { "Bearer \($0)" }, body: body)
        }
    }

    static func text(_ r: HTTPResponse) -> String { String(decoding: r.body, as: UTF8.self) }

    /// The `"error"` string of a JSON error body (the body must be one).
    static func errorMessage(_ r: HTTPResponse) throws -> String {
        let json = try ControlJSON.parse(r.body)
        guard case .string(let message)? = json["error"] else {
            Issue.record("not an error body: \(text(r))")
            return ""
        }
        return message
    }

    @Test func initRefusesShortOrUnprintableTokensAndBadPorts() {
        let handlers = FakeEngine(metricsText: "").handlers
        #expect(throws: ControlEndpointError.tokenTooShort(length: 0)) { try ControlEndpoint(port: 0, token: "", handlers: handlers) }
        #expect(throws: ControlEndpointError.tokenTooShort(length: 15)) {
            try ControlEndpoint(port: 0, token: "0123456789abcde", handlers: handlers)
        }
        #expect(throws: ControlEndpointError.tokenNotPrintableASCII) {
            try ControlEndpoint(port: 0, token: "0123456789 abcdef", handlers: handlers)
        }
        #expect(throws: ControlEndpointError.invalidPort(70_000)) {
            try ControlEndpoint(port: 70_000, token: Self.token, handlers: handlers)
        }
        #expect(throws: Never.self) { try ControlEndpoint(port: 0, token: "0123456789abcdef", handlers: handlers) }
    }

    @Test func metricsAreValidPrometheusTextAndStatusIsJSON() async throws {
        let registry = TelemetryRegistry()
        let hops = registry.registerStandardHops()
        let fills = registry.registerCounter("execution.fills", help: "Fills")
        let recorder = registry.makeRecorder(name: "t")
        for v in 1...1_000 { recorder.record(hops.tickToOrder, Int64(v * 1_000)) }
        recorder.increment(fills, by: 7)
        let h = try Harness(metrics: registry.report(title: "control").prometheus())
        defer { h.stop() }

        let metrics = try await h.send(.get, "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.contentType == "text/plain; version=0.0.4; charset=utf-8")
        let rawMetrics = try Self.rawHTTP(port: h.endpoint.port, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        #expect(rawMetrics.head.contains("\r\ncache-control: no-store"), "\(rawMetrics.head)")
        #expect(rawMetrics.head.hasPrefix("HTTP/1.1 200"))
        #expect(rawMetrics.body == Self.text(metrics))
        #expect(PrometheusText.validate(Self.text(metrics)) == [])
        #expect(Self.text(metrics).contains("hft_hop_tick_to_order_seconds{quantile=\"0.99\"} "))
        #expect(Self.text(metrics).contains("hft_execution_fills_total 7\n"))

        let status = try await h.send(.get, "/status")
        #expect(status.status == 200)
        #expect(status.contentType == "application/json")
        let json = try ControlJSON.parse(status.body)
        #expect(json["mode"] == .string("paper"))
        #expect(json["killed"] == .bool(false))
    }

    @Test func modeChangesOnlyWithTheToken() async throws {
        let h = try Harness()
        defer { h.stop() }
        let body = #"{"mode":"replay"}"#

        let anonymous = try await h.post("/mode", body: body, token: nil)
        #expect(anonymous.status == 401)
        let raw = try Self.rawHTTP(port: h.endpoint.port, "POST /mode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.utf8.count)\r\n", body: body)
        #expect(raw.head.hasPrefix("HTTP/1.1 401"))
        #expect(raw.head.contains(#"\#r\#nwww-authenticate: Bearer realm="hft-control""#), "\(raw.head)")
        #expect(try Self.errorMessage(anonymous) == "missing or wrong bearer token")
        #expect(h.engine.snapshot.mode == "paper")

        var wrongLast = Self.token
        wrongLast.removeLast()
        for wrong in [wrongLast + "X", wrongLast, Self.token + "0", "", String(Self.token.reversed())] {
            let r = try await h.post("/mode", body: body, token: wrong)
            #expect(r.status == 401, "token \(wrong)")
        }
        for header in ["Basic \(Self.token)", Self.token, "Bearer", "Bearer  "] {
            let r = try await h.send(.post, "/mode", authorization: header, body: body)
            #expect(r.status == 401, "Authorization: \(header)")
        }
        #expect(h.engine.snapshot.mode == "paper")
        #expect(h.engine.snapshot.modeCalls == 0)

        let ok = try await h.post("/mode", body: body)
        #expect(ok.status == 200)
        #expect(try ControlJSON.parse(ok.body) == .object([.init("ok", .bool(true)), .init("mode", .string("replay"))]))
        #expect(h.engine.snapshot.mode == "replay")

        // The scheme is case-insensitive.
        let lower = try await h.send(.post, "/mode", authorization: "bearer \(Self.token)", body: #"{"mode":"paper"}"#)
        #expect(lower.status == 200)
        #expect(h.engine.snapshot.mode == "paper")
    }

    @Test func modeBodiesAreCheckedAndTheHandlerDecidesTheRest() async throws {
        let h = try Harness()
        defer { h.stop() }

        let unknown = try await h.post("/mode", body: #"{"mode":"turbo"}"#)
        #expect(unknown.status == 400)
        #expect(try Self.errorMessage(unknown) == "unknown mode turbo")
        let unarmed = try await h.post("/mode", body: #"{"mode":"live"}"#)
        #expect(unarmed.status == 409)
        #expect(h.engine.snapshot.modeCalls == 2)
        #expect(h.engine.snapshot.mode == "paper")

        let malformed: [(String, String)] = [
            ("", "body is empty"),
            (#"{"mode":"live""#, "unterminated object"),
            (#"{"mode" "live"}"#, "expected ':' after an object key at byte 8"),
            (#"["live"]"#, "body must be a JSON object, got array"),
            (#"{"mode":7}"#, #"field "mode" must be a string, got number"#),
            (#"{"mode":""}"#, #"field "mode" is empty"#),
            (#"{"arm":true}"#, #"missing field "mode""#),
            (#"{"mode":"live","arm":"yes"}"#, #"field "arm" must be a boolean, got string"#),
            (#"{"mode":"live","armed":true}"#, #"unknown field "armed""#),
            (#"{"mode":"live","mode":"paper"}"#, #"duplicate object key "mode""#),
            (#"{"mode":"live"} x"#, "unexpected data after the JSON value"),
        ]
        for (body, problem) in malformed {
            let r = try await h.post("/mode", body: body)
            #expect(r.status == 400, "\(body)")
            let message = try Self.errorMessage(r)
            #expect(message.hasPrefix("bad /mode body: ") && message.contains(problem), "\(body): \(message)")
        }
        #expect(h.engine.snapshot.modeCalls == 2)

        let armed = try await h.post("/mode", body: #" { "mode" : "live", "arm" : true } "#)
        #expect(armed.status == 200)
        #expect(h.engine.snapshot.mode == "live" && h.engine.snapshot.armed)
    }

    @Test func killNeedsTheTokenAndIsIdempotentAsTheHandlerSays() async throws {
        let h = try Harness()
        defer { h.stop() }
        let refused = try await h.post("/kill", token: nil)
        #expect(refused.status == 401)
        let wrong = try await h.post("/kill", token: "not-the-token-at-all")
        #expect(wrong.status == 401)
        #expect(h.engine.snapshot.killCalls == 0 && !h.engine.snapshot.killed)

        let first = try await h.post("/kill")
        #expect(first.status == 200)
        #expect(try ControlJSON.parse(first.body)["already"] == .bool(false))
        #expect(h.engine.snapshot.killCalls == 1 && h.engine.snapshot.killed)

        // A body is ignored; the second kill reaches the handler, which reports it as a repeat.
        let second = try await h.post("/kill", body: #"{"reason":"again"}"#)
        #expect(second.status == 200)
        #expect(try ControlJSON.parse(second.body)["already"] == .bool(true))
        #expect(h.engine.snapshot.killCalls == 2 && h.engine.snapshot.killed)

        let status = try await h.send(.get, "/status")
        #expect(try ControlJSON.parse(status.body)["killed"] == .bool(true))
    }

    @Test func pluginSwapPassesPathAndCompactConfig() async throws {
        let h = try Harness()
        defer { h.stop() }
        let body = #"{"path":"/opt/hft/libRegimeScalper.so","config":{ "edge_bps" : 1.50, "levels":[true, null, "a\"b"], "n":{}}}"#
        let denied = try await h.post("/plugins/swap", body: body, token: nil)
        #expect(denied.status == 401)
        #expect(h.engine.snapshot.swaps.isEmpty)

        let ok = try await h.post("/plugins/swap", body: body)
        #expect(ok.status == 200)
        #expect(try ControlJSON.parse(ok.body)["path"] == .string("/opt/hft/libRegimeScalper.so"))
        let noConfig = try await h.post("/plugins/swap", body: #"{"path":"/x/libTouchQuoter.so"}"#)
        #expect(noConfig.status == 200)
        let swaps = h.engine.snapshot.swaps
        #expect(swaps.map(\.path) == ["/opt/hft/libRegimeScalper.so", "/x/libTouchQuoter.so"])
        #expect(swaps.map(\.config) == [#"{"edge_bps":1.50,"levels":[true,null,"a\"b"],"n":{}}"#, "{}"])

        for (bad, problem) in [
            (#"{"config":{}}"#, #"missing field "path""#),
            (#"{"path":"/x","config":[1]}"#, #"field "config" must be an object, got array"#),
            (#"{"path":""}"#, #"field "path" is empty"#),
            (#"{"path":"/x","extra":1}"#, #"unknown field "extra""#),
            (#"{"path":"/x\q"}"#, "invalid escape '\\q'"),
        ] {
            let r = try await h.post("/plugins/swap", body: bad)
            #expect(r.status == 400, "\(bad)")
            #expect(try Self.errorMessage(r).contains(problem), "\(bad): \(Self.text(r))")
        }
        #expect(h.engine.snapshot.swaps.count == 2)
    }

    @Test func wrongMethodsAndUnknownPathsAreRefused() async throws {
        let h = try Harness()
        defer { h.stop() }
        let getKill = try await h.send(.get, "/kill")
        #expect(getKill.status == 405)
        let rawKill = try Self.rawHTTP(port: h.endpoint.port, "GET /kill HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        #expect(rawKill.head.hasPrefix("HTTP/1.1 405") && rawKill.head.contains("\r\nallow: POST"), "\(rawKill.head)")
        #expect(try Self.errorMessage(getKill) == "/kill accepts POST only")
        #expect(h.engine.snapshot.killCalls == 0)

        let postMetrics = try await h.post("/metrics")
        #expect(postMetrics.status == 405)
        let rawMetrics = try Self.rawHTTP(port: h.endpoint.port,
                                          "POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(Self.token)\r\n")
        #expect(rawMetrics.head.hasPrefix("HTTP/1.1 405") && rawMetrics.head.contains("\r\nallow: GET"), "\(rawMetrics.head)")
        let putMode = try await h.send(.put, "/mode", authorization: "Bearer \(Self.token)", body: #"{"mode":"live"}"#)
        #expect(putMode.status == 405)
        let deleteStatus = try await h.send(.delete, "/status")
        #expect(deleteStatus.status == 405)

        for path in ["/", "/nope", "/metrics/x", "/plugins", "/plugins/swap/more"] {
            let r = try await h.send(.get, path)
            #expect(r.status == 404, "\(path)")
            #expect(try Self.errorMessage(r).hasPrefix("no such control path"), "\(path)")
        }
        // A query string does not change the route.
        let withQuery = try await h.send(.get, "/status?verbose=1")
        #expect(withQuery.status == 200)
        #expect(h.engine.snapshot.modeCalls == 0)
    }

    @Test func onlyLoopbackHostHeadersAreServed() async throws {
        let h = try Harness()
        defer { h.stop() }
        let port = h.endpoint.port
        for host in ["127.0.0.1", "127.0.0.1:\(port)", "localhost:\(port)", "LOCALHOST", "[::1]:\(port)", "127.1.2.3"] {
            let r = try Self.rawHTTP(port: port, "GET /status HTTP/1.1\r\nHost: \(host)\r\n")
            #expect(r.head.hasPrefix("HTTP/1.1 200"), "Host: \(host): \(r.head)")
        }
        for host in ["evil.example", "evil.example:\(port)", "127.0.0.1.evil.example", "localhost.evil.example",
                     "127.0.0.1:80x", "[::1].evil", "10.0.0.1", "0.0.0.0"] {
            let r = try Self.rawHTTP(port: port, "GET /metrics HTTP/1.1\r\nHost: \(host)\r\n")
            #expect(r.head.hasPrefix("HTTP/1.1 403"), "Host: \(host): \(r.head)")
            #expect(r.body == #"{"error":"Host \#(host) is not a loopback name"}"#)
        }
        // Authentication is not a way around it.
        let kill = try Self.rawHTTP(port: port, "POST /kill HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer \(Self.token)\r\n")
        #expect(kill.head.hasPrefix("HTTP/1.1 403"))
        #expect(h.engine.snapshot.killCalls == 0)
    }

    @Test func oversizedBodiesAreRefusedBeforeTheHandler() async throws {
        let h = try Harness()
        defer { h.stop() }
        let huge = #"{"path":""# + String(repeating: "a", count: ControlEndpoint.maximumBodyBytes) + #""}"#
        let r = try await h.post("/plugins/swap", body: huge)
        #expect(r.status == 413)
        #expect(h.engine.snapshot.swaps.isEmpty)
    }

    @Test func listensOnLoopbackOnlyAndRefusesABusyPort() throws {
        let h = try Harness()
        defer { h.stop() }
        let port = h.endpoint.port
        #expect(port > 0)
        // /proc/net/tcp lists listening sockets (state 0A) as hex `address:port`; 0100007F is 127.0.0.1.
        let table = try #require(Self.readFile("/proc/net/tcp"))
        let listeners = table.split(separator: "\n").dropFirst().compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == "0A" else { return nil }
            return String(fields[1])
        }
        let suffix = ":" + String(port, radix: 16, uppercase: true).leftPadded(to: 4)
        let mine = listeners.filter { $0.hasSuffix(suffix) }
        #expect(mine == ["0100007F" + suffix], "listeners on \(port): \(mine)")
        let ipv6 = Self.readFile("/proc/net/tcp6") ?? ""
        #expect(!ipv6.contains(suffix + " 00000000000000000000000000000000:0000 0A"))

        let second = try ControlEndpoint(port: port, token: Self.token, handlers: h.engine.handlers)
        #expect {
            try second.start()
        } throws: { error in
            if case ControlEndpointError.startFailed = error { true } else { false }
        }
        second.stop()
    }

    @Test func aHandlerStatusOutsideHTTPBecomes500() async throws {
        let handlers = ControlHandlers(
            metrics: { "" }, status: { "{}" }, setMode: { _ in ControlResponse(status: 1_000, body: "{}") },
            kill: { ControlResponse(status: 99, body: "{}") }, swapPlugin: { _, _ in .ok() })
        let endpoint = try ControlEndpoint(port: 0, token: Self.token, handlers: handlers)
        try endpoint.start()
        defer { endpoint.stop() }
        let client = HTTPClient()
        try client.start()
        defer { client.stop() }
        let url = try #require(TransportURL("http://127.0.0.1:\(endpoint.port)/kill"))
        let r = try await client.execute(HTTPRequest(method: .post, url: url, headers: [HTTPHeader("Authorization", "Bearer \(Self.token)")]))
        #expect(r.status == 500)
        #expect(try Self.errorMessage(r) == "handler answered with invalid HTTP status 99")
        let empty = try await client.execute(HTTPRequest(method: .get, url: try #require(TransportURL("http://127.0.0.1:\(endpoint.port)/metrics"))))
        #expect(empty.status == 200 && empty.body.isEmpty)
    }

    /// One request over a plain socket (`HTTPClient` over lws 4.1 cannot return standard response
    /// headers such as `Allow`): `head` is the request line and headers without the final blank
    /// line; returns the response head (header names lower-cased here) and body.
    static func rawHTTP(port: Int, _ head: String, body: String = "") throws -> (head: String, body: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        let request = Array((head + "Connection: close\r\n\r\n" + body).utf8)
        try #require(request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } == request.count)
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response += buffer.prefix(n)
            let text = String(decoding: response, as: UTF8.self)
            if let split = text.firstRange(of: "\r\n\r\n"),
               let lengthLine = text[..<split.lowerBound].lowercased().split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
               let length = Int(lengthLine.dropFirst("content-length:".count).trimmingPrefix(" ")),
               text[split.upperBound...].utf8.count >= length { break }
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.firstRange(of: "\r\n\r\n") else { return (text, "") }
        let lines = text[..<split.lowerBound].split(separator: "\r\n", omittingEmptySubsequences: false).map { line in
            guard let colon = line.firstIndex(of: ":") else { return String(line) }
            return line[..<colon].lowercased() + line[colon...]
        }
        return (lines.joined(separator: "\r\n"), String(text[split.upperBound...]))
    }

    static func readFile(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            out += buffer.prefix(n)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
