import Foundation
import HFTPrimitives
import MarketData
import Testing
@testable import Analytics

/// The regression sanity check of Cont–Kukanov–Stoikov on real data: over fixed intervals, the sign
/// of the interval's OFI (Σ e_n) agrees with the sign of the mid change more often than chance.
@Suite(.serialized)
struct OrderFlowSignTests {
    @Test(arguments: FeatureEngineReferenceTests.recordings)
    func windowedOFISignAgreesWithMidChange(_ files: [String]) throws {
        let data = try MarketReplay.load(files)
        var engine = try FeatureEngine(config: AnalyticsConfig(), instrument: data.spec)
        let L = engine.layout
        // (time, e_n, mid) per applied book event.
        var samples: [(t: Int64, e: Double, mid: Double)] = []
        for event in data.events {
            guard case .book(let bids, let asks, let time) = event else { continue }
            let r = bids.withUnsafeBufferPointer { b in
                asks.withUnsafeBufferPointer { a in engine.onBook(bids: b, asks: a, exchangeTime: .zero, receiveTime: time) }
            }
            if r == .updated { samples.append((time.raw, engine.features[L.ofiEvent], engine.features[L.mid])) }
        }
        var lines: [String] = []
        for interval: Int64 in [100_000_000, 1_000_000_000, 10_000_000_000] {
            var agree = 0, total = 0
            var bucket = samples[0].t / interval
            var ofi = 0.0
            var startMid = samples[0].mid, lastMid = samples[0].mid
            for s in samples.dropFirst() {
                let b = s.t / interval
                if b != bucket {
                    let dm = lastMid - startMid
                    if ofi != 0, dm != 0 {
                        total += 1
                        if (ofi > 0) == (dm > 0) { agree += 1 }
                    }
                    bucket = b
                    ofi = 0
                    startMid = lastMid
                }
                ofi += s.e
                lastMid = s.mid
            }
            let rate = Double(agree) / Double(max(total, 1))
            // Under the null (coin flip) the rate's standard deviation is 0.5/√n.
            let z = (rate - 0.5) / (0.5 / Double(max(total, 1)).squareRoot())
            lines.append("\(interval / 1_000_000) ms: \(agree)/\(total) = \(String(format: "%.3f", rate)) (z = \(String(format: "%.1f", z)))")
            #expect(total >= 20)
            #expect(z > 3, "OFI sign agreement \(rate) over \(total) intervals of \(interval) ns is not above chance")
        }
        print("[analytics] OFI sign vs mid-change sign, \(files[0]): " + lines.joined(separator: "; "))
    }
}
