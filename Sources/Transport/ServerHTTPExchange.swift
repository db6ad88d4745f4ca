/// One HTTP transaction in progress on the server (service thread only).
final class ServerHTTPExchange {
    var request: HTTPServerRequest
    let route: Int
    var expectedBody: Int
    var bodyTooLarge = false
    var response: HTTPServerResponse? = nil
    var written = 0

    init(request: HTTPServerRequest, route: Int, expectedBody: Int) {
        self.request = request
        self.route = route
        self.expectedBody = expectedBody
    }
}
