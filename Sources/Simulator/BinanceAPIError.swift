/// A Binance API error as the simulator returns it: `{"code":-1022,"msg":"..."}` with an HTTP status.
public struct BinanceAPIError: Error, Sendable, Hashable {
    public var code: Int
    public var message: String
    public var httpStatus: Int

    public init(code: Int, message: String, httpStatus: Int = 400) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    public var json: String { "{\"code\":\(code),\"msg\":\(SimJSON.quote(message))}" }

    /// -1021: `timestamp` is outside `recvWindow` (or more than 1 s ahead of the server).
    public static let timestampOutsideRecvWindow = BinanceAPIError(code: -1021, message: "Timestamp for this request is outside of the recvWindow.")
    /// -1022: the HMAC does not match.
    public static let invalidSignature = BinanceAPIError(code: -1022, message: "Signature for this request is not valid.")
    /// -2011: cancel or query of an order the venue does not know.
    public static let unknownOrder = BinanceAPIError(code: -2011, message: "Unknown order sent.")
    /// -2010: the venue refused the new order.
    public static let orderRejected = BinanceAPIError(code: -2010, message: "NEW_ORDER_REJECTED")
    /// -2015: unknown API key.
    public static let invalidAPIKey = BinanceAPIError(code: -2015, message: "Invalid API-key, IP, or permissions for action.", httpStatus: 401)
    /// -2014: no API key header / parameter.
    public static let apiKeyFormat = BinanceAPIError(code: -2014, message: "API-key format invalid.", httpStatus: 401)
    /// -1121: symbol not in the recording.
    public static let invalidSymbol = BinanceAPIError(code: -1121, message: "Invalid symbol.")
    /// -1131: `recvWindow` above 60 000 ms.
    public static let recvWindowTooLarge = BinanceAPIError(code: -1131, message: "recvWindow must be less than 60000")
    /// -4116: a `newClientOrderId` already used (a replayed request).
    public static let duplicateClientOrderId = BinanceAPIError(code: -4116, message: "ClientOrderId is duplicated.")
    /// -1001: the book is not available yet (before the recording's first snapshot).
    public static let notReady = BinanceAPIError(code: -1001, message: "Internal error; unable to process your request. Please try again.", httpStatus: 503)

    /// -1102: a mandatory parameter is missing or empty.
    public static func missing(_ name: String) -> BinanceAPIError {
        BinanceAPIError(code: -1102, message: "Mandatory parameter '\(name)' was not sent, was empty/null, or malformed.")
    }

    /// -1013: a price or quantity filter failed.
    public static func filter(_ name: String) -> BinanceAPIError {
        BinanceAPIError(code: -1013, message: "Filter failure: \(name)")
    }

    /// -1116 / -1117 / -1115: invalid enum values.
    public static func invalidValue(_ name: String, _ value: String) -> BinanceAPIError {
        switch name {
        case "type": return BinanceAPIError(code: -1116, message: "Invalid orderType.")
        case "side": return BinanceAPIError(code: -1117, message: "Invalid side.")
        case "timeInForce": return BinanceAPIError(code: -1115, message: "Invalid timeInForce.")
        default: return BinanceAPIError(code: -1100, message: "Illegal characters found in parameter '\(name)'; legal range is '\(value)'.")
        }
    }
}
