import Foundation
import HFTTestSupport
import Testing
@testable import Analytics

/// The online forward filter against hmmlearn's forward pass (Python oracle
/// `Tuning/analytics/hmm_oracle.py`, run at test time; needs python3 with numpy and hmmlearn from
/// `.ci/requirements.txt`).
@Suite(.serialized)
struct HMMForwardFilterTests {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    func oracle(_ p: HMMParameters, _ obs: [[Double]]) throws -> [[Double]] {
        let dir = URL(fileURLWithPath: TestScratch.directory("hmm-oracle"))
        let input = dir.appendingPathComponent("in.json")
        let payload: [String: Any] = ["startProbabilities": p.startProbabilities, "transitions": p.transitions, "means": p.means,
                                      "variances": p.variances, "observations": obs]
        try JSONSerialization.data(withJSONObject: payload).write(to: input)
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        proc.arguments = ["python3", Self.packageRoot.appendingPathComponent("Tuning/analytics/hmm_oracle.py").path, input.path]
        let out = Pipe(), err = Pipe()
        proc.standardOutput = out
        proc.standardError = err
        try proc.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        proc.waitUntilExit()
        try #require(proc.terminationStatus == 0, "hmm_oracle.py failed (pip install -r .ci/requirements.txt): \(errText)")
        return try #require(JSONSerialization.jsonObject(with: data) as? [[Double]])
    }

    @Test(arguments: [(2, 1, UInt64(1)), (3, 2, UInt64(2)), (4, 3, UInt64(3))])
    func filteredProbabilitiesEqualHmmlearnForward(states k: Int, dims d: Int, seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        func u() -> Double { Double(rng.next() % 1_000_000) / 1_000_000 }
        func row(_ n: Int) -> [Double] {
            let r = (0..<n).map { _ in 0.05 + u() }
            let s = r.reduce(0, +)
            return r.map { $0 / s }
        }
        let means = (0..<k).map { j in (0..<d).map { _ in Double(j) * 1.5 + u() - 0.5 } }
        let vars = (0..<k).map { j in (0..<d).map { _ in 0.2 + Double(j) * 0.5 + u() } }
        let p = try HMMParameters(observations: (0..<d).map { "f\($0)" }, stepNanos: 0, startProbabilities: row(k),
                                  transitions: (0..<k).map { _ in row(k) }, means: means, variances: vars)
        // A regime-switching path, including far outliers that stress the log-space shift.
        var state = 0
        var obs: [[Double]] = []
        for t in 0..<400 {
            if u() < 0.05 { state = Int(rng.next() % UInt64(k)) }
            obs.append((0..<d).map { x in means[state][x] + (u() - 0.5) * 3 * vars[state][x].squareRoot() + (t % 97 == 0 ? 25 : 0) })
        }
        let expected = try oracle(p, obs)
        var f = HMMForwardFilter(parameters: p)
        var worst = 0.0
        for (t, o) in obs.enumerated() {
            o.withUnsafeBufferPointer { f.observe($0) }
            for j in 0..<k { worst = max(worst, abs(f.probability(j) - expected[t][j])) }
        }
        #expect(f.skippedObservations == 0)
        #expect(worst < 1e-9, "max |swift − hmmlearn| = \(worst)")
        print("[analytics] HMM K=\(k) D=\(d): max |forward filter − hmmlearn forward| over 400 steps = \(worst)")
    }
}
