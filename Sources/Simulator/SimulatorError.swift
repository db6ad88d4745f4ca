import MarketData
import Transport

/// Why a simulator could not start.
public enum SimulatorError: Error, Sendable, CustomStringConvertible {
    /// The recording could not be read.
    case recording(CaptureError)
    /// The recording is empty or its venue could not be told (pass `venue`).
    case unusableRecording(String)
    /// Binding the port, TLS files or certificate generation failed.
    case transport(TransportError)
    case alreadyStarted

    public var description: String {
        switch self {
        case .recording(let e): return "cannot read the recording: \(e)"
        case .unusableRecording(let why): return "unusable recording: \(why)"
        case .transport(let e): return "transport: \(e)"
        case .alreadyStarted: return "already started"
        }
    }
}
