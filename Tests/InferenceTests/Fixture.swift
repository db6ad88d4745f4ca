import Foundation
import HFTTestSupport
import Testing
@testable import Inference

/// The committed parity fixtures of `Fixtures/` (made by `Tuning/models/make_fixtures.py`, see SOURCES.md).
enum Fixture {
    static let directory: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static func path(_ file: String) -> String { directory + "/" + file }

    /// The bundle config built from `NAME.params.json` (library arguments + features [+ normalization]).
    static func config(_ name: String, _ arch: ModelArch) throws -> ModelBundleConfig {
        let data = try #require(FileManager.default.contents(atPath: path("\(name).params.json")))
        return try ModelBundleConfig.fromParamsFile(arch: arch, json: data)
    }

    /// Both state_dict files: `save_file` with every alias and `save_model` with one name per tensor.
    static func weights(_ name: String) throws -> [SafeTensorsFile] {
        [try SafeTensorsFile(path: path("\(name).safetensors")), try SafeTensorsFile(path: path("\(name).model.safetensors"))]
    }

    static func array(_ name: String, _ output: String) throws -> NpyArray {
        try NpyArray(contentsOf: path("\(name).\(output).npy"))
    }
}

/// Max absolute and relative error of one compared output, for the report printed by the tests.
struct ParityStats {
    var maxAbs: Float = 0
    var maxRel: Float = 0
    var count = 0

    /// Checks `|a − r| ≤ 1e-5 + 1e-5·|r|` for every element.
    mutating func check(_ actual: [Float], _ reference: [Float], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == reference.count, "\(what): length", sourceLocation: sourceLocation)
        for (a, r) in zip(actual, reference) {
            let err = abs(a - r)
            maxAbs = max(maxAbs, err)
            if r != 0 { maxRel = max(maxRel, err / abs(r)) }
            count += 1
            if !(err <= 1e-5 + 1e-5 * abs(r)) {
                Issue.record("\(what): \(a) vs reference \(r) (error \(err))", sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// Values where the float32 library output is itself more than half the tolerance away from the same
    /// library in float64 (ill-conditioned points, e.g. entmax's threshold near a support change); they are
    /// checked against the float64 output instead, and counted here.
    var illConditioned = 0

    /// Checks `actual` against the float32 library output `reference`, except at ill-conditioned points
    /// (see `illConditioned`), and against the float64 library output `exact` everywhere.
    mutating func check(_ actual: [Float], _ reference: [Float], exact: [Float], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var kept: [Float] = [], keptRef: [Float] = []
        for (i, (r, e)) in zip(reference, exact).enumerated() {
            if abs(r - e) > 0.5 * (1e-5 + 1e-5 * abs(e)) { illConditioned += 1 } else { kept.append(actual[i]); keptRef.append(r) }
        }
        check(kept, keptRef, what, sourceLocation: sourceLocation)
    }

    func report(_ what: String) {
        let skipped = illConditioned > 0 ? " (\(illConditioned) ill-conditioned float32 reference values checked against float64 only)" : ""
        print("parity \(what): \(count) values, max abs error \(maxAbs), max rel error \(maxRel)\(skipped)")
    }
}

/// Writes a safetensors file from `(name, dtype, shape, bytes)` entries (for the bad-input tests).
func writeSafeTensors(_ tensors: [(String, String, [Int], [UInt8])], to path: String, headerOverride: String? = nil) throws {
    var offset = 0
    var parts: [String] = []
    var body: [UInt8] = []
    for (name, dtype, shape, bytes) in tensors {
        parts.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + bytes.count)]}")
        offset += bytes.count
        body += bytes
    }
    let header = Array((headerOverride ?? "{" + parts.joined(separator: ",") + "}").utf8)
    var out = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) }
    out += header
    out += body
    try Data(out).write(to: URL(fileURLWithPath: path))
}

