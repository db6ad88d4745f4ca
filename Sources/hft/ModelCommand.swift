import ArgumentParser
import Foundation
import Inference

/// `hft model import|eval`: build a model bundle from a PyTorch state_dict, and run a bundle over an `.npy`.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Import PyTorch models (TCN, TabNet, PPO) as bundles and evaluate them on .npy inputs.",
        subcommands: [Import.self, Eval.self]
    )

    /// `hft model import --arch tcn|tabnet|ppo --state-dict FILE.safetensors --params FILE.json --out DIR`
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a bundle (config.json + model.safetensors) from a state_dict and its hyper-parameters.",
            discussion: """
            The params JSON uses the training library's own argument names (TCN: input_size, output_size, \
            num_channels, kernel_size, dropout, window; TabNet: input_dim, output_dim, n_d, n_a, n_steps, gamma, \
            n_independent, n_shared, mask_type; PPO: obs_dim, net_arch, activation_fn, action_space as \
            {"discrete": n} or {"box": {"low": [...], "high": [...]}}), optionally with "features" \
            ({"schema_id", "schema_version", "names"}) and "normalization" (VecNormalize: mean, var, clip_obs, \
            epsilon). The model is built once to check every tensor's name, shape and dtype before writing.
            """
        )

        @Option(help: "Architecture: tcn, tabnet or ppo.") var arch: String
        @Option(name: .customLong("state-dict"), help: "The PyTorch state_dict as .safetensors (save_file or save_model).") var stateDict: String
        @Option(help: "Hyper-parameters JSON (library argument names), with optional features and normalization.") var params: String
        @Option(help: "Bundle directory to write.") var out: String

        func run() throws {
            guard let a = ModelArch(rawValue: arch) else {
                throw ValidationError("--arch must be one of \(ModelArch.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let json = FileManager.default.contents(atPath: params) else { throw ValidationError("cannot read \(params)") }
            let config = try ModelBundleConfig.fromParamsFile(arch: a, json: json)
            let bundle = try ModelBundle.write(config: config, stateDict: stateDict, to: out)
            let features = bundle.config.features.map { "\($0.names.count) features of \($0.schemaId) v\($0.schemaVersion)" } ?? "no feature schema"
            print("wrote \(a.rawValue) bundle \(out) (\(bundle.weights.entries.count) tensors, \(features))")
        }
    }

    /// `hft model eval DIR --input X.npy --output-dir OUT`
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a bundle over the rows of an .npy file and write every output as .npy.",
            discussion: """
            Input: TCN (batch, features, time); TabNet and PPO (batch, features); float32, float64 or int64, C order. \
            Outputs: TCN logits, probs, logits_all_steps (streaming); TabNet logits, probs, pred, masks \
            (steps x batch x features); PPO action_logits, probs, actions (discrete) or mean_actions, actions (box), values.
            """
        )

        @Argument(help: "Bundle directory.") var bundle: String
        @Option(help: "Input .npy file.") var input: String
        @Option(name: .customLong("output-dir"), help: "Directory for the output .npy files.") var outputDir: String

        func run() throws {
            let b = try ModelBundle(directory: bundle)
            let x = try NpyArray(contentsOf: input)
            let outputs = try ModelEvaluation.evaluate(b, input: x)
            try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
            for (name, array) in outputs.sorted(by: { $0.key < $1.key }) {
                let path = URL(fileURLWithPath: outputDir).appendingPathComponent("\(name).npy").path
                try array.write(to: path)
                print("\(name).npy \(array.shape)")
            }
        }
    }
}
