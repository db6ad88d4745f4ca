/// Why a model, a bundle or a tensor file could not be loaded. Thrown only at load time (cold path);
/// the inference entry points never throw.
public enum ModelLoadError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened, stat'ed or mapped (`errno` from the failing call).
    case fileUnreadable(path: String, errno: Int32)
    /// The file ends before the header or a tensor's data says it should.
    case truncatedFile(path: String, detail: String)
    /// The safetensors header is not the JSON the format requires (size, syntax, offsets, byte counts).
    case badHeader(path: String, detail: String)
    /// None of the names a tensor may be saved under is in the file (every alias tried is listed).
    case missingTensor(aliases: [String])
    /// The tensor exists with another shape than the hyper-parameters imply.
    case wrongShape(name: String, expected: [Int], actual: [Int])
    /// The tensor's dtype cannot be read as floating point (only F32, F16 and BF16 are).
    case wrongDtype(name: String, dtype: String)
    /// `config.json` or the params JSON is missing a field, has a wrong type or an impossible value.
    case badConfig(String)
    /// The bundle's feature names, order, schema id or version differ from what the caller expects.
    case featureSchemaMismatch(String)
    /// The bundle describes another architecture than the one being loaded.
    case archMismatch(expected: String, actual: String)
    /// A valid configuration this implementation does not run (e.g. TabNet categorical embeddings).
    case unsupported(String)

    public var description: String {
        switch self {
        case let .fileUnreadable(path, e): return "cannot read \(path) (errno \(e))"
        case let .truncatedFile(path, d): return "truncated file \(path): \(d)"
        case let .badHeader(path, d): return "bad safetensors header in \(path): \(d)"
        case let .missingTensor(aliases): return "missing tensor: none of \(aliases) is in the file"
        case let .wrongShape(n, e, a): return "tensor \(n) has shape \(a), expected \(e)"
        case let .wrongDtype(n, d): return "tensor \(n) has dtype \(d); only F32, F16 and BF16 are supported"
        case let .badConfig(d): return "bad model config: \(d)"
        case let .featureSchemaMismatch(d): return "feature schema mismatch: \(d)"
        case let .archMismatch(e, a): return "bundle holds a \(a) model, expected \(e)"
        case let .unsupported(d): return "unsupported model configuration: \(d)"
        }
    }
}
