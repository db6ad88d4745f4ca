import CLibWebSockets
#if canImport(Glibc)
import Glibc
#endif

/// One request in flight on an `HTTPClient` (service thread only after submission).
final class HTTPClientExchange: @unchecked Sendable {
    // SAFETY: created by the submitting thread, handed to the service thread through the client's
    // mutex-guarded queue, and from then on touched only by the service thread (or the owner after join).
    let serial: UInt64
    let request: HTTPRequest
    let completion: @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void
    let timer: UnsafeMutablePointer<hft_lws_timer>
    let cMethod: UnsafeMutablePointer<CChar>
    let cHost: UnsafeMutablePointer<CChar>
    let cPath: UnsafeMutablePointer<CChar>
    /// Where lws stores the exchange's wsi (`pwsi`): stable memory, not a class property address.
    let wsiCell: UnsafeMutablePointer<OpaquePointer?>
    var wsi: OpaquePointer? {
        get { wsiCell.pointee }
        set { wsiCell.pointee = newValue }
    }
    var status = 0
    var contentType: String? = nil
    var headers: [String: String] = [:]
    var body: [UInt8] = []
    var bodyWritten = 0
    var completed = false
    var failure: HTTPClientError? = nil

    init(serial: UInt64, request: HTTPRequest,
         completion: @escaping @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void) {
        self.serial = serial
        self.request = request
        self.completion = completion
        timer = .allocate(capacity: 1)
        timer.initialize(to: hft_lws_timer())
        wsiCell = .allocate(capacity: 1)
        wsiCell.initialize(to: nil)
        cMethod = strdup(request.method.rawValue)!
        cHost = strdup(request.url.host)!
        cPath = strdup(request.url.pathAndQuery)!
    }

    deinit {
        timer.deallocate()
        wsiCell.deallocate()
        free(cMethod); free(cHost); free(cPath)
    }

    /// Reports the outcome once and cancels the timeout.
    func complete(_ result: Result<HTTPResponse, HTTPClientError>) {
        guard !completed else { return }
        completed = true
        lws_sul_cancel(&timer.pointee.sul)
        completion(result)
    }
}
