import CLibWebSockets

/// The lws protocol callback of every `HTTPClient` context.
let httpClientCallback: @convention(c) (
    OpaquePointer?, lws_callback_reasons, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int
) -> Int32 = { wsi, reason, user, input, length in
    switch reason {
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED, LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER,
         LWS_CALLBACK_CLIENT_HTTP_WRITEABLE, LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP, LWS_CALLBACK_RECEIVE_CLIENT_HTTP,
         LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ, LWS_CALLBACK_COMPLETED_CLIENT_HTTP, LWS_CALLBACK_CLOSED_CLIENT_HTTP,
         LWS_CALLBACK_CLIENT_CONNECTION_ERROR, LWS_CALLBACK_WSI_DESTROY:
        guard let wsi, let ctx = lws_get_context(wsi), let owner = lws_context_user(ctx) else { return 0 }
        // SAFETY: the context's user pointer is the client (alive until `lws_context_destroy` returns);
        // `user` is an exchange kept alive by the client's `inFlight` table.
        return Unmanaged<HTTPClient>.fromOpaque(owner)._withUnsafeGuaranteedRef { client in
            if reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED {
                client.startQueued()
                return 0
            }
            guard let user else { return 0 }
            let exchange = Unmanaged<HTTPClientExchange>.fromOpaque(user).takeUnretainedValue()
            return client.handle(wsi: wsi, reason: reason, exchange: exchange, input: input, length: length)
        }
    default:
        return 0
    }
}

extension HTTPClient {
    func handle(wsi: OpaquePointer, reason: lws_callback_reasons, exchange: HTTPClientExchange,
                input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        switch reason {
        case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
            guard let input else { return -1 }
            let p = input.assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
            guard let start = p.pointee else { return -1 }
            let end = start + length
            for header in exchange.request.headers {
                let name = header.name.hasSuffix(":") ? header.name : header.name + ":"
                let failed = name.withCString { n in
                    header.value.withCString { v in
                        lws_add_http_header_by_name(wsi, UnsafeRawPointer(n).assumingMemoryBound(to: UInt8.self),
                                                    UnsafeRawPointer(v).assumingMemoryBound(to: UInt8.self),
                                                    Int32(header.value.utf8.count), p, end) != 0
                    }
                }
                if failed { return -1 }
            }
            if !exchange.request.body.isEmpty {
                if lws_add_http_header_content_length(wsi, lws_filepos_t(exchange.request.body.count), p, end) != 0 {
                    return -1
                }
                lws_client_http_body_pending(wsi, 1)
                lws_callback_on_writable(wsi)
            }
            return 0
        case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
            let body = exchange.request.body
            guard exchange.bodyWritten < body.count else { return 0 }
            let pre = Int(hft_lws_pre)
            let chunk = min(body.count - exchange.bodyWritten, writeCapacity)
            body.withUnsafeBytes { src in
                // SAFETY: chunk ≤ writeCapacity; bodyWritten + chunk ≤ body.count.
                (writeBuffer + pre).copyMemory(from: src.baseAddress! + exchange.bodyWritten, byteCount: chunk)
            }
            let last = exchange.bodyWritten + chunk == body.count
            let n = lws_write(wsi, (writeBuffer + pre).assumingMemoryBound(to: UInt8.self), chunk,
                              last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP)
            if n < chunk { return -1 }
            exchange.bodyWritten += chunk
            if last { lws_client_http_body_pending(wsi, 0) } else { lws_callback_on_writable(wsi) }
            return 0
        case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
            exchange.status = Int(lws_http_client_http_response(wsi))
            let n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE)
            if n > 0 {
                var buffer = [CChar](repeating: 0, count: Int(n) + 1)
                if lws_hdr_copy(wsi, &buffer, Int32(buffer.count), WSI_TOKEN_HTTP_CONTENT_TYPE) >= 0 {
                    exchange.contentType = String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                }
            }
            for name in exchange.request.responseHeaders {
                let key = name.lowercased() + ":"
                let length = lws_hdr_custom_length(wsi, key, Int32(key.utf8.count))
                guard length >= 0 else { continue }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                if lws_hdr_custom_copy(wsi, &buffer, Int32(buffer.count), key, Int32(key.utf8.count)) >= 0 {
                    exchange.headers[name.lowercased()] = String(
                        decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                }
            }
            return 0
        case LWS_CALLBACK_RECEIVE_CLIENT_HTTP:
            let pre = Int(hft_lws_pre)
            var p: UnsafeMutablePointer<CChar>? = (readBuffer + pre).assumingMemoryBound(to: CChar.self)
            var n = Int32(readCapacity)
            return lws_http_client_read(wsi, &p, &n) < 0 ? -1 : 0
        case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
            guard let input else { return 0 }
            if exchange.body.count + length > configuration.maxResponseBytes {
                exchange.failure = .responseTooLarge
                exchange.complete(.failure(.responseTooLarge))
                return -1
            }
            exchange.body.append(contentsOf: UnsafeRawBufferPointer(start: input, count: length))
            return 0
        case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
            exchange.complete(.success(HTTPResponse(status: exchange.status, contentType: exchange.contentType,
                                                    body: exchange.body, headers: exchange.headers)))
            return 0
        case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
            let message = input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "connection error"
            exchange.complete(.failure(exchange.failure ?? .connectFailed(message)))
            return 0
        case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
            exchange.complete(.failure(exchange.failure ?? .closedBeforeCompletion))
            return 0
        case LWS_CALLBACK_WSI_DESTROY:
            exchange.complete(.failure(exchange.failure ?? .closedBeforeCompletion))
            exchange.wsi = nil
            inFlight[exchange.serial] = nil
            return 0
        default:
            return 0
        }
    }
}
