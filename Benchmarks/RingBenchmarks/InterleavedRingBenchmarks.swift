import Benchmark
import CRing
import CSystemShims
import HFTRuntime

/// Same-moment comparisons. This 2-core VM is shared and its core-to-core latency changes from one
/// second to the next (the floor alone moves between ~110 and ~600 ns), so ratios taken from
/// benchmarks run seconds apart mislead. Here every sample runs the contenders back to back (order
/// rotated per sample), each with a freshly started pinned helper thread, and records each one's
/// result and the ratios as custom metrics.
final class Interleaved {
    let swiftPing = Ring<BenchEvent>(capacity: ringCapacity)
    let swiftPong = Ring<BenchEvent>(capacity: ringCapacity)
    let swiftOneWay = Ring<BenchEvent>(capacity: ringCapacity)
    var cPing = cring_t()
    var cPong = cring_t()
    var cOneWay = cring_t()
    var swiftPingNext: UInt64 = 0
    var swiftOneWayNext: UInt64 = 0
    var cPingNext: UInt64 = 0
    var cOneWayNext: UInt64 = 0
    let stopFlag = StopFlag()
    var rotation = 0

    /// Round trips per contender per sample, and warm-up round trips before timing.
    let roundTrips = 2_000
    let warmRoundTrips = 200
    /// Events per contender per throughput sample, and warm-up events before timing.
    let events = 400_000
    let warmEvents = 20_000

    init() {
        precondition(cring_init(&cPing, UInt64(ringCapacity)) == 0)
        precondition(cring_init(&cPong, UInt64(ringCapacity)) == 0)
        precondition(cring_init(&cOneWay, UInt64(ringCapacity)) == 0)
    }

    /// ns per round trip of the cache-line floor.
    func floorRoundTrip() -> Double {
        guard let pingpong = cring_pingpong_start(helperCPU) else { fatalError("thread start failed") }
        cring_pingpong_round_trips(pingpong, UInt64(warmRoundTrips))
        let start = hft_monotonic_ns()
        cring_pingpong_round_trips(pingpong, UInt64(roundTrips))
        let elapsed = hft_monotonic_ns() - start
        cring_pingpong_stop(pingpong)
        return Double(elapsed) / Double(roundTrips)
    }

    /// ns per round trip of the C ring.
    func cRoundTrip() -> Double {
        guard let echo = cring_start_echo(&cPing, &cPong, helperCPU) else { fatalError("thread start failed") }
        var errors = cring_round_trips(&cPing, &cPong, cPingNext, UInt64(warmRoundTrips))
        cPingNext &+= UInt64(warmRoundTrips)
        let start = hft_monotonic_ns()
        errors &+= cring_round_trips(&cPing, &cPong, cPingNext, UInt64(roundTrips))
        let elapsed = hft_monotonic_ns() - start
        cPingNext &+= UInt64(roundTrips)
        _ = cring_stop(echo)
        precondition(errors == 0, "C ring echoed a wrong event")
        return Double(elapsed) / Double(roundTrips)
    }

    /// ns per round trip of the Swift ring.
    func swiftRoundTrip() -> Double {
        stopFlag.reset()
        let echo = startSwiftEcho(input: swiftPing.consumer, output: swiftPong.producer, stopFlag: stopFlag)
        var errors = swiftRoundTrips(ping: swiftPing.producer, pong: swiftPong.consumer, first: swiftPingNext, count: warmRoundTrips)
        swiftPingNext &+= UInt64(warmRoundTrips)
        let start = hft_monotonic_ns()
        errors &+= swiftRoundTrips(ping: swiftPing.producer, pong: swiftPong.consumer, first: swiftPingNext, count: roundTrips)
        let elapsed = hft_monotonic_ns() - start
        swiftPingNext &+= UInt64(roundTrips)
        stopFlag.stop()
        echo.join()
        precondition(errors == 0, "Swift ring echoed a wrong event")
        return Double(elapsed) / Double(roundTrips)
    }

    /// Events per µs through the C ring (C producer loop, C consumer thread checking sequences).
    func cThroughput() -> Double {
        let total = UInt64(warmEvents + events)
        guard let consumer = cring_start_consumer(&cOneWay, helperCPU, cOneWayNext, total) else { fatalError("thread start failed") }
        cring_produce(&cOneWay, cOneWayNext, UInt64(warmEvents))
        let start = hft_monotonic_ns()
        cring_produce(&cOneWay, cOneWayNext &+ UInt64(warmEvents), UInt64(events))
        let errors = cring_join(consumer)
        let elapsed = hft_monotonic_ns() - start
        cOneWayNext &+= total
        precondition(errors == 0, "C ring lost or reordered events")
        return Double(events) * 1_000 / Double(elapsed)
    }

    /// Events per µs through the Swift ring (Swift producer loop, Swift consumer thread checking sequences).
    func swiftThroughput() -> Double {
        let total = UInt64(warmEvents + events)
        let first = swiftOneWayNext
        let consumer = swiftOneWay.consumer
        final class Errors: @unchecked Sendable {
            // SAFETY: written by the consumer thread before join(), read after it.
            var count = 0
        }
        let errors = Errors()
        let thread = BenchmarkThread(cpu: helperCPU) {
            errors.count = swiftConsumeCounted(consumer: consumer, first: first, count: total)
        }
        swiftProduce(producer: swiftOneWay.producer, first: first, count: warmEvents)
        let start = hft_monotonic_ns()
        swiftProduce(producer: swiftOneWay.producer, first: first &+ UInt64(warmEvents), count: events)
        thread.join()
        let elapsed = hft_monotonic_ns() - start
        swiftOneWayNext &+= total
        precondition(errors.count == 0, "Swift ring lost or reordered events")
        return Double(events) * 1_000 / Double(elapsed)
    }
}

/// The Swift twin of `cring_round_trips`: kept out of line like the C one.
@inline(never)
func swiftRoundTrips(ping: RingProducer<BenchEvent>, pong: RingConsumer<BenchEvent>, first: UInt64, count: Int) -> Int {
    var event = BenchEvent()
    var errors = 0
    for index in 0..<count {
        event.sequence = first &+ UInt64(index)
        while ping.push(event) == .backPressured { hft_cpu_relax() }
        var echo = pong.pop()
        while echo == nil {
            hft_cpu_relax()
            echo = pong.pop()
        }
        if echo?.sequence != event.sequence { errors &+= 1 }
    }
    return errors
}

/// The Swift twin of `cring_produce`.
@inline(never)
func swiftProduce(producer: RingProducer<BenchEvent>, first: UInt64, count: Int) {
    var event = BenchEvent()
    for index in 0..<count {
        event.sequence = first &+ UInt64(index)
        while producer.push(event) == .backPressured { hft_cpu_relax() }
    }
}

/// The Swift twin of the C counted consumer: batches of 64, every sequence checked; returns errors.
@inline(never)
func swiftConsumeCounted(consumer: RingConsumer<BenchEvent>, first: UInt64, count: UInt64) -> Int {
    var expected = first
    let end = first &+ count
    var errors = 0
    while expected != end {
        let got = consumer.consume(max: 64) { event in
            if event.sequence != expected { errors &+= 1 }
            expected &+= 1
        }
        if got == 0 { hft_cpu_relax() }
    }
    return errors
}

/// Starts the Swift twin of the C echo thread.
func startSwiftEcho(input: RingConsumer<BenchEvent>, output: RingProducer<BenchEvent>, stopFlag: StopFlag) -> BenchmarkThread {
    BenchmarkThread(cpu: helperCPU) {
        while true {
            if let event = input.pop() {
                while output.push(event) == .backPressured { hft_cpu_relax() }
            } else {
                if stopFlag.isStopped { break }
                hft_cpu_relax()
            }
        }
    }
}

func registerInterleavedBenchmarks() {
    let floorMetric = BenchmarkMetric.custom("RTT floor (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    let cMetric = BenchmarkMetric.custom("RTT C ring (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    let swiftMetric = BenchmarkMetric.custom("RTT Swift ring (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    let swiftOverFloor = BenchmarkMetric.custom("RTT Swift / floor (x1000)", polarity: .prefersSmaller, useScalingFactor: false)
    let swiftOverC = BenchmarkMetric.custom("RTT Swift / C (x1000)", polarity: .prefersSmaller, useScalingFactor: false)
    let interleaved = Interleaved()
    Benchmark(
        "PingPongRTT.Interleaved",
        configuration: .init(
            metrics: [floorMetric, cMetric, swiftMetric, swiftOverFloor, swiftOverC],
            warmupIterations: 2, maxDuration: .seconds(6), maxIterations: 200
        )
    ) { benchmark in
        pinBenchmarkThread()
        var floor = 0.0, c = 0.0, swift = 0.0
        for step in 0..<3 {
            switch (step + interleaved.rotation) % 3 {
            case 0: floor = interleaved.floorRoundTrip()
            case 1: c = interleaved.cRoundTrip()
            default: swift = interleaved.swiftRoundTrip()
            }
        }
        interleaved.rotation &+= 1
        benchmark.measurement(floorMetric, Int(floor.rounded()))
        benchmark.measurement(cMetric, Int(c.rounded()))
        benchmark.measurement(swiftMetric, Int(swift.rounded()))
        benchmark.measurement(swiftOverFloor, Int((swift / floor * 1_000).rounded()))
        benchmark.measurement(swiftOverC, Int((swift / c * 1_000).rounded()))
    }

    let cRate = BenchmarkMetric.custom("C ring (events/ms)", polarity: .prefersLarger, useScalingFactor: false)
    let swiftRate = BenchmarkMetric.custom("Swift ring (events/ms)", polarity: .prefersLarger, useScalingFactor: false)
    let swiftOverCRate = BenchmarkMetric.custom("Swift / C throughput (x1000)", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark(
        "OneToOneRing.Interleaved",
        configuration: .init(
            metrics: [cRate, swiftRate, swiftOverCRate],
            warmupIterations: 2, maxDuration: .seconds(6), maxIterations: 200
        )
    ) { benchmark in
        pinBenchmarkThread()
        var c = 0.0, swift = 0.0
        if interleaved.rotation & 1 == 0 {
            c = interleaved.cThroughput()
            swift = interleaved.swiftThroughput()
        } else {
            swift = interleaved.swiftThroughput()
            c = interleaved.cThroughput()
        }
        interleaved.rotation &+= 1
        benchmark.measurement(cRate, Int((c * 1_000).rounded()))
        benchmark.measurement(swiftRate, Int((swift * 1_000).rounded()))
        benchmark.measurement(swiftOverCRate, Int((swift / c * 1_000).rounded()))
    }
}
