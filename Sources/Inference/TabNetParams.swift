/// Hyper-parameters of a pytorch-tabnet `TabNetClassifier` or `TabNetRegressor` network, in the library's argument
/// names (`output_dim` 1 is a regression head: its single output is the prediction, no softmax).
/// `epsilon`, `virtual_batch_size` and `momentum` only matter in training and are recorded as given.
/// Categorical embeddings (`cat_idxs`, `cat_dims`) and a custom `grouped_features` attention matrix are
/// not supported: both must be empty (a load-time `unsupported` error otherwise).
public struct TabNetParams: Codable, Sendable, Equatable {
    public var inputDim: Int
    public var outputDim: Int
    public var nD: Int
    public var nA: Int
    public var nSteps: Int
    public var gamma: Double
    public var nIndependent: Int
    public var nShared: Int
    public var maskType: String
    public var epsilon: Double
    public var virtualBatchSize: Int
    public var momentum: Double
    public var catIdxs: [Int]
    public var catDims: [Int]
    public var groupedFeatures: [[Int]]

    enum CodingKeys: String, CodingKey {
        case inputDim = "input_dim", outputDim = "output_dim", nD = "n_d", nA = "n_a", nSteps = "n_steps", gamma
        case nIndependent = "n_independent", nShared = "n_shared", maskType = "mask_type", epsilon
        case virtualBatchSize = "virtual_batch_size", momentum, catIdxs = "cat_idxs", catDims = "cat_dims"
        case groupedFeatures = "grouped_features"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputDim = try c.decode(Int.self, forKey: .inputDim)
        outputDim = try c.decode(Int.self, forKey: .outputDim)
        nD = try c.decodeIfPresent(Int.self, forKey: .nD) ?? 8
        nA = try c.decodeIfPresent(Int.self, forKey: .nA) ?? 8
        nSteps = try c.decodeIfPresent(Int.self, forKey: .nSteps) ?? 3
        gamma = try c.decodeIfPresent(Double.self, forKey: .gamma) ?? 1.3
        nIndependent = try c.decodeIfPresent(Int.self, forKey: .nIndependent) ?? 2
        nShared = try c.decodeIfPresent(Int.self, forKey: .nShared) ?? 2
        maskType = try c.decodeIfPresent(String.self, forKey: .maskType) ?? "sparsemax"
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? 1e-15
        virtualBatchSize = try c.decodeIfPresent(Int.self, forKey: .virtualBatchSize) ?? 128
        momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? 0.02
        catIdxs = try c.decodeIfPresent([Int].self, forKey: .catIdxs) ?? []
        catDims = try c.decodeIfPresent([Int].self, forKey: .catDims) ?? []
        groupedFeatures = try c.decodeIfPresent([[Int]].self, forKey: .groupedFeatures) ?? []
    }

    /// The mask function of the attentive transformers.
    public enum MaskType: Sendable { case sparsemax, entmax }

    func validate() throws -> MaskType {
        // Upper bounds far above any trained TabNet, so that sizes and their sums stay allocatable.
        guard (1...ModelLimits.features).contains(inputDim), (1...ModelLimits.features).contains(outputDim),
              (1...ModelLimits.width).contains(nD), (1...ModelLimits.width).contains(nA), (1...ModelLimits.steps).contains(nSteps),
              (0...ModelLimits.layers).contains(nIndependent), (0...ModelLimits.layers).contains(nShared), nIndependent + nShared > 0 else {
            throw ModelLoadError.badConfig("TabNet params out of range: \(self)")
        }
        guard catIdxs.isEmpty, catDims.isEmpty else {
            throw ModelLoadError.unsupported("TabNet categorical embeddings (cat_idxs/cat_dims) are not supported")
        }
        guard groupedFeatures.isEmpty else {
            throw ModelLoadError.unsupported("TabNet grouped_features (a non-identity attention matrix) is not supported")
        }
        switch maskType {
        case "sparsemax": return .sparsemax
        case "entmax": return .entmax
        default: throw ModelLoadError.badConfig("mask_type must be sparsemax or entmax, not \(maskType)")
        }
    }
}
