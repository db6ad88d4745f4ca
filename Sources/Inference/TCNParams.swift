/// Hyper-parameters of a locuslab `TCN` (`TemporalConvNet` + linear head on the last step), in the
/// library's own argument names: `input_size` (alias `num_inputs`), `output_size`, `num_channels`,
/// `kernel_size`, `dropout` (identity in eval, recorded only), plus `window`: the sequence length the
/// model was trained on (the full-window path's capacity).
public struct TCNParams: Codable, Sendable, Equatable {
    public var inputSize: Int
    public var outputSize: Int
    public var numChannels: [Int]
    public var kernelSize: Int
    public var dropout: Double
    public var window: Int

    public init(inputSize: Int, outputSize: Int, numChannels: [Int], kernelSize: Int, dropout: Double = 0.2, window: Int = 64) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.numChannels = numChannels
        self.kernelSize = kernelSize
        self.dropout = dropout
        self.window = window
    }

    enum CodingKeys: String, CodingKey {
        case inputSize = "input_size", numInputs = "num_inputs", outputSize = "output_size"
        case numChannels = "num_channels", kernelSize = "kernel_size", dropout, window
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let n = try c.decodeIfPresent(Int.self, forKey: .inputSize) ?? c.decodeIfPresent(Int.self, forKey: .numInputs) else {
            throw ModelLoadError.badConfig("TCN params need input_size (or num_inputs)")
        }
        inputSize = n
        outputSize = try c.decode(Int.self, forKey: .outputSize)
        numChannels = try c.decode([Int].self, forKey: .numChannels)
        kernelSize = try c.decodeIfPresent(Int.self, forKey: .kernelSize) ?? 2
        dropout = try c.decodeIfPresent(Double.self, forKey: .dropout) ?? 0.2
        window = try c.decodeIfPresent(Int.self, forKey: .window) ?? 64
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inputSize, forKey: .inputSize)
        try c.encode(outputSize, forKey: .outputSize)
        try c.encode(numChannels, forKey: .numChannels)
        try c.encode(kernelSize, forKey: .kernelSize)
        try c.encode(dropout, forKey: .dropout)
        try c.encode(window, forKey: .window)
    }

    /// Time steps one output depends on: `1 + Σ_levels 2·(kernel_size − 1)·2^level`.
    public var receptiveField: Int {
        1 + numChannels.indices.reduce(0) { $0 + 2 * (kernelSize - 1) * (1 << $1) }
    }

    func validate() throws {
        guard (1...ModelLimits.features).contains(inputSize), (1...ModelLimits.features).contains(outputSize),
              (1...ModelLimits.kernel).contains(kernelSize), (1...ModelLimits.window).contains(window),
              (1...ModelLimits.levels).contains(numChannels.count), numChannels.allSatisfy({ (1...ModelLimits.width).contains($0) }) else {
            throw ModelLoadError.badConfig("TCN params must be positive (at most \(ModelLimits.features) inputs and outputs, kernel "
                                           + "\(ModelLimits.kernel), window \(ModelLimits.window), \(ModelLimits.levels) levels of "
                                           + "\(ModelLimits.width) channels) and num_channels non-empty: \(self)")
        }
    }
}
