/// Why `FeatureExport.run` could not start on the captures it was given (file and write errors keep
/// their own types: `CaptureError`, `FeatureExportError`, `AnalyticsConfigError`).
public enum FeatureExportInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No capture path was given.
    case noCaptures
    /// No output was requested (neither `.npy`, `.csv` nor schema path).
    case noOutput
    /// The venue of the recording could not be detected.
    case unknownVenue(path: String)
    /// The recording has no instrument (or none named `symbol`): the symbol asked for and the ones present.
    case unknownSymbol(String?, available: [String])
    /// The schema JSON could not be written: path and the system's reason.
    case schemaWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .noCaptures: "no capture given"
        case .noOutput: "nothing to write: give an .npy, a .csv or a schema path"
        case .unknownVenue(let p): "cannot tell the venue of \(p)"
        case .unknownSymbol(let s, let a): "symbol \(s ?? "(any)") not in the capture (symbols: \(a.joined(separator: ", ")))"
        case .schemaWrite(let p, let r): "cannot write schema \(p): \(r)"
        }
    }
}
