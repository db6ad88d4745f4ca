/// Why the live venue could not start.
public enum LiveVenueError: Error, Sendable, CustomStringConvertible {
    /// A configured base URL does not parse.
    case badURL(String)
    /// The venue refused to issue or keep alive the listen key (HTTP status).
    case listenKeyRefused(Int)

    public var description: String {
        switch self {
        case .badURL(let u): return "live: bad venue URL \(u)"
        case .listenKeyRefused(let s): return "live: the venue refused the listen key (HTTP \(s))"
        }
    }
}
