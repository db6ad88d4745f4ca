import Transport

/// Maps one HTTP request to the engine's `ControlHandlers`: method and path checks, bearer
/// authentication of every state-changing request, body decoding. Runs on the endpoint's service
/// thread; cold path.
///
/// Order of checks: a `Host` header naming something other than a loopback address or `localhost`
/// → 403 (a web page that rebinds its DNS name to 127.0.0.1 must not read positions and PnL);
/// unknown path → 404; wrong method → 405 (with `Allow`); POST without
/// `Authorization: Bearer <token>` or with another token → 401 (the body is not parsed); malformed
/// body → 400 naming the problem; otherwise the handler's answer.
struct ControlRouter: Sendable {
    /// `Content-Type` of `GET /metrics`.
    static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The routes and the one method each accepts.
    static let routes: [String: String] = [
        "/metrics": "GET", "/status": "GET", "/mode": "POST", "/kill": "POST", "/plugins/swap": "POST",
    ]

    let token: ControlBearerToken
    let handlers: ControlHandlers

    func respond(to request: HTTPServerRequest) -> HTTPServerResponse {
        if let host = request.headers["host"], !Self.isLoopbackHost(host) {
            return Self.json(.error(403, "Host \(host) is not a loopback name"))
        }
        guard let method = Self.routes[request.path] else {
            return Self.json(.error(404, "no such control path \(request.path)"))
        }
        guard request.method == method else {
            var response = Self.json(.error(405, "\(request.path) accepts \(method) only"))
            response.headers["Allow"] = method
            return response
        }
        if method == "POST" {
            guard token.matches(authorization: request.headers["authorization"]) else {
                var response = Self.json(.error(401, "missing or wrong bearer token"))
                response.headers["WWW-Authenticate"] = #"Bearer realm="hft-control""#
                return response
            }
        }
        switch request.path {
        case "/metrics":
            return HTTPServerResponse(status: 200, contentType: Self.prometheusContentType,
                                      headers: ["Cache-Control": "no-store"], text: handlers.metrics())
        case "/status":
            return HTTPServerResponse(status: 200, headers: ["Cache-Control": "no-store"], text: handlers.status())
        case "/mode":
            do throws(ControlJSONError) {
                let body = String(decoding: request.body, as: UTF8.self)
                _ = try ControlModeRequest(value: ControlJSON.parse(request.body))
                return Self.json(handlers.setMode(body))
            } catch {
                return Self.json(.error(400, "bad /mode body: \(error.message)"))
            }
        case "/kill":
            return Self.json(handlers.kill())
        default:
            do throws(ControlJSONError) {
                let swap = try ControlPluginSwapRequest(value: ControlJSON.parse(request.body))
                return Self.json(handlers.swapPlugin(swap.path, swap.configJSON))
            } catch {
                return Self.json(.error(400, "bad /plugins/swap body: \(error.message)"))
            }
        }
    }

    /// Whether a `Host` header value (`name[:port]`) names 127.0.0.0/8, `[::1]` or `localhost`.
    static func isLoopbackHost(_ value: String) -> Bool {
        var name = Substring(value.lowercased())
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return false }
            return name[name.index(after: name.startIndex)..<close] == "::1"
                && (name[name.index(after: close)...].isEmpty || name[name.index(after: close)...].hasPrefix(":"))
        }
        if let colon = name.firstIndex(of: ":") {
            guard name[name.index(after: colon)...].allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            name = name[..<colon]
        }
        if name == "localhost" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// A handler's answer as an HTTP response; a status outside 100...599 becomes 500.
    static func json(_ answer: ControlResponse) -> HTTPServerResponse {
        guard (100...599).contains(answer.status) else {
            return json(.error(500, "handler answered with invalid HTTP status \(answer.status)"))
        }
        return HTTPServerResponse(status: answer.status, headers: ["Cache-Control": "no-store"], text: answer.body)
    }
}
