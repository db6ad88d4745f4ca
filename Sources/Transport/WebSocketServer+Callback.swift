import CLibWebSockets
#if canImport(Glibc)
import Glibc
#endif

/// The lws protocol callback of every server context (websocket and HTTP on one protocol).
let serverCallback: @convention(c) (
    OpaquePointer?, lws_callback_reasons, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int
) -> Int32 = { wsi, reason, user, input, length in
    switch reason {
    case LWS_CALLBACK_ESTABLISHED, LWS_CALLBACK_RECEIVE, LWS_CALLBACK_SERVER_WRITEABLE, LWS_CALLBACK_CLOSED,
         LWS_CALLBACK_EVENT_WAIT_CANCELLED, LWS_CALLBACK_HTTP, LWS_CALLBACK_HTTP_BODY,
         LWS_CALLBACK_HTTP_BODY_COMPLETION, LWS_CALLBACK_HTTP_WRITEABLE, LWS_CALLBACK_CLOSED_HTTP,
         LWS_CALLBACK_RECEIVE_PONG:
        guard let wsi, let ctx = lws_get_context(wsi), let owner = lws_context_user(ctx) else { return 0 }
        // SAFETY: the context's user pointer is the server, alive until `lws_context_destroy` returns
        // (called from `stop`, which `deinit` runs first).
        return Unmanaged<WebSocketServer>.fromOpaque(owner)._withUnsafeGuaranteedRef { server in
            server.handle(wsi: wsi, reason: reason, psd: user?.assumingMemoryBound(to: Int.self),
                          input: input, length: length)
        }
    default:
        return 0
    }
}

extension WebSocketServer {
    func handle(wsi: OpaquePointer, reason: lws_callback_reasons, psd: UnsafeMutablePointer<Int>?,
                input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        switch reason {
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            serviceWakeup()
            return 0
        case LWS_CALLBACK_RECEIVE_PONG:
            countPong()
            return 0
        case LWS_CALLBACK_ESTABLISHED:
            return established(wsi: wsi, psd: psd)
        case LWS_CALLBACK_RECEIVE:
            guard let psd, let slot = slot(at: psd.pointee - 1), slot.inUse, slot.wsi == wsi else { return 0 }
            let bytes = UnsafeRawBufferPointer(start: input, count: length)
            switch slot.reassembler.append(bytes, isFinal: lws_is_final_fragment(wsi) != 0) {
            case .complete:
                configuration.websocketRoutes[slot.route].onMessage(self, slot.id, slot.reassembler.message)
                slot.reassembler.reset()
            case .partial, .discarded, .oversized:
                break
            }
            return 0
        case LWS_CALLBACK_SERVER_WRITEABLE:
            guard let psd, let slot = slot(at: psd.pointee - 1), slot.inUse, slot.wsi == wsi else { return 0 }
            return serverWritable(slot: slot, wsi: wsi)
        case LWS_CALLBACK_CLOSED:
            guard let psd, let slot = slot(at: psd.pointee - 1), slot.inUse, slot.wsi == wsi else { return 0 }
            psd.pointee = 0
            let id = slot.id
            let route = slot.route
            releaseSlot(slot)
            configuration.websocketRoutes[route].onClose(self, id)
            return 0
        case LWS_CALLBACK_HTTP:
            return httpRequest(wsi: wsi, uri: input)
        case LWS_CALLBACK_HTTP_BODY:
            guard let exchange = httpExchanges[UInt(bitPattern: Int(bitPattern: wsi))], let input else { return 0 }
            if exchange.request.body.count + length > configuration.maxMessageBytes {
                exchange.bodyTooLarge = true
            } else {
                exchange.request.body.append(contentsOf: UnsafeRawBufferPointer(start: input, count: length))
            }
            return 0
        case LWS_CALLBACK_HTTP_BODY_COMPLETION:
            guard let exchange = httpExchanges[UInt(bitPattern: Int(bitPattern: wsi))] else { return 0 }
            return respond(wsi: wsi, exchange: exchange)
        case LWS_CALLBACK_HTTP_WRITEABLE:
            return httpWritable(wsi: wsi)
        case LWS_CALLBACK_CLOSED_HTTP:
            httpExchanges[UInt(bitPattern: Int(bitPattern: wsi))] = nil
            return 0
        default:
            return 0
        }
    }

    private func established(wsi: OpaquePointer, psd: UnsafeMutablePointer<Int>?) -> Int32 {
        guard let psd else { return -1 }
        psd.pointee = 0
        let path = copyHeader(wsi, WSI_TOKEN_GET_URI) ?? "/"
        let query = copyQuery(wsi)
        guard let route = routeIndex(configuration.websocketRoutes, path: path, prefix: \.pathPrefix) else { return -1 }
        guard let slot = acquireSlot(wsi: wsi, route: route) else { return -1 }
        hft_lws_keep_tls_buffers(wsi)
        let index = slot.id.index
        let accepted = configuration.websocketRoutes[route].onOpen(self, slot.id, WebSocketRequestHead(path: path, query: query))
        guard accepted else {
            releaseSlot(slot)
            return -1
        }
        psd.pointee = index + 1
        return 0
    }

    // MARK: HTTP

    private func httpRequest(wsi: OpaquePointer, uri: UnsafeMutableRawPointer?) -> Int32 {
        let methods: [(lws_token_indexes, String)] = [
            (WSI_TOKEN_GET_URI, "GET"), (WSI_TOKEN_POST_URI, "POST"), (WSI_TOKEN_PUT_URI, "PUT"),
            (WSI_TOKEN_DELETE_URI, "DELETE"), (WSI_TOKEN_PATCH_URI, "PATCH"), (WSI_TOKEN_OPTIONS_URI, "OPTIONS"),
            (WSI_TOKEN_HEAD_URI, "HEAD"),
        ]
        let match = methods.first(where: { lws_hdr_total_length(wsi, $0.0) > 0 })
        let method: String = match.map { $0.1 } ?? "GET"
        let path = uri.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "/"
        guard let route = routeIndex(configuration.httpRoutes, path: path, prefix: \.pathPrefix) else {
            return finishWithStatus(wsi: wsi, status: 404)
        }
        var headers: [String: String] = [:]
        let skip: Set<UInt32> = Set(methods.map { $0.0.rawValue } + [WSI_TOKEN_HTTP_URI_ARGS.rawValue])
        for raw in WSI_TOKEN_HOST.rawValue..<_WSI_TOKEN_CLIENT_SENT_PROTOCOLS.rawValue where !skip.contains(raw) {
            let token = lws_token_indexes(rawValue: raw)
            guard lws_hdr_total_length(wsi, token) > 0, let cname = lws_token_to_string(token) else { continue }
            var name = String(cString: cname)
            guard name.hasSuffix(":") else { continue }
            name.removeLast()
            if let value = copyHeader(wsi, token) { headers[name.lowercased()] = value }
        }
        for custom in configuration.httpRoutes[route].customHeaders {
            let key = custom.lowercased() + ":"
            let n = lws_hdr_custom_length(wsi, key, Int32(key.utf8.count))
            guard n >= 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(n) + 1)
            if lws_hdr_custom_copy(wsi, &buffer, Int32(buffer.count), key, Int32(key.utf8.count)) >= 0 {
                headers[custom.lowercased()] = String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        let contentLength = headers["content-length"].flatMap { Int($0) } ?? 0
        let request = HTTPServerRequest(method: method, path: path, query: copyQuery(wsi), headers: headers, body: [])
        let exchange = ServerHTTPExchange(request: request, route: route, expectedBody: contentLength)
        httpExchanges[UInt(bitPattern: Int(bitPattern: wsi))] = exchange
        if contentLength > configuration.maxMessageBytes { return finishWithStatus(wsi: wsi, status: 413) }
        if contentLength > 0 || headers["transfer-encoding"] != nil { return 0 }  // body callbacks follow
        return respond(wsi: wsi, exchange: exchange)
    }

    private func respond(wsi: OpaquePointer, exchange: ServerHTTPExchange) -> Int32 {
        if exchange.bodyTooLarge { return finishWithStatus(wsi: wsi, status: 413) }
        let response = configuration.httpRoutes[exchange.route].handler(exchange.request)
        exchange.response = response
        exchange.written = 0
        let pre = Int(hft_lws_pre)
        let start = (txBuffer + pre).assumingMemoryBound(to: UInt8.self)
        let end = start + min(txCapacity, 16_384) - 1
        var p: UnsafeMutablePointer<UInt8>? = start
        var failed = lws_add_http_common_headers(wsi, UInt32(response.status), response.contentType,
                                                 lws_filepos_t(response.body.count), &p, end) != 0
        for (name, value) in response.headers where !failed {
            let key = name.lowercased() + ":"
            failed = key.withCString { k in
                value.withCString { v in
                    lws_add_http_header_by_name(wsi, UnsafeRawPointer(k).assumingMemoryBound(to: UInt8.self),
                                                UnsafeRawPointer(v).assumingMemoryBound(to: UInt8.self),
                                                Int32(value.utf8.count), &p, end) != 0
                }
            }
        }
        if failed || lws_finalize_write_http_header(wsi, start, &p, end) != 0 { return -1 }
        if response.body.isEmpty {
            httpExchanges[UInt(bitPattern: Int(bitPattern: wsi))] = nil
            return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
        }
        lws_callback_on_writable(wsi)
        return 0
    }

    private func httpWritable(wsi: OpaquePointer) -> Int32 {
        let key = UInt(bitPattern: Int(bitPattern: wsi))
        guard let exchange = httpExchanges[key], let response = exchange.response else { return 0 }
        let pre = Int(hft_lws_pre)
        let chunk = min(response.body.count - exchange.written, min(txCapacity, 16_384))
        response.body.withUnsafeBytes { body in
            // SAFETY: chunk ≤ txCapacity and written + chunk ≤ body.count.
            (txBuffer + pre).copyMemory(from: body.baseAddress! + exchange.written, byteCount: chunk)
        }
        let last = exchange.written + chunk == response.body.count
        let mode = last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP
        if lws_write(wsi, (txBuffer + pre).assumingMemoryBound(to: UInt8.self), chunk, mode) < chunk { return -1 }
        exchange.written += chunk
        if !last {
            lws_callback_on_writable(wsi)
            return 0
        }
        httpExchanges[key] = nil
        return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
    }

    private func finishWithStatus(wsi: OpaquePointer, status: UInt32) -> Int32 {
        httpExchanges[UInt(bitPattern: Int(bitPattern: wsi))] = nil
        if lws_return_http_status(wsi, status, nil) != 0 { return -1 }
        return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
    }

    // MARK: Header access

    func copyHeader(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let n = lws_hdr_total_length(wsi, token)
        guard n > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(n) + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The query string: lws stores each `&`-separated argument as a fragment.
    func copyQuery(_ wsi: OpaquePointer) -> String {
        var parts: [String] = []
        var index: Int32 = 0
        var buffer = [CChar](repeating: 0, count: 4_096)
        while true {
            let n = lws_hdr_copy_fragment(wsi, &buffer, Int32(buffer.count), WSI_TOKEN_HTTP_URI_ARGS, index)
            if n < 0 || (n == 0 && index > 0) { break }
            if n == 0 { break }
            parts.append(String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            index += 1
        }
        return parts.joined(separator: "&")
    }
}
