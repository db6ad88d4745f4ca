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
    let swiftPing56 = Ring<BenchEvent56>(capacity: ringCapacity)
    let swiftPong56 = Ring<BenchEvent56>(capacity: ringCapacity)
    let swiftOneWay56 = Ring<BenchEvent56>(capacity: ringCapacity)
    var cPing = cring_t()
    var cPong = cring_t()
    var cOneWay = cring_t()
    var swiftPingNext: UInt64 = 0
    var swiftOneWayNext: UInt64 = 0
    var swiftPing56Next: UInt64 = 0
    var swiftOneWay56Next: UInt64 = 0
    var cPingNext: UInt64 = 0
    var cOneWayNext: UInt64 = 0
    let stopFlag = StopFlag()
    var rotation = 0

    /// Round trips per contender per sample, and warm-up round trips before timing.
    let roundTrips = 2_000
    let warmRoundTrips = 200
    /// Events per contender per throughput sample, and warm-up events before timing.
    let events = 200_000
    let warmEvents = 10_000

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

    /// ns per round trip of the Swift ring with 64-byte events.
    func swiftRoundTrip() -> Double {
        swiftRoundTrip(ping: swiftPing, pong: swiftPong, next: &swiftPingNext)
    }

    /// ns per round trip of the Swift ring with 56-byte events (one-line slots).
    func swiftRoundTrip56() -> Double {
        swiftRoundTrip(ping: swiftPing56, pong: swiftPong56, next: &swiftPing56Next)
    }

    func swiftRoundTrip<Event: BenchSequenced>(ping: borrowing Ring<Event>, pong: borrowing Ring<Event>, next: inout UInt64) -> Double {
        stopFlag.reset()
        let echo = startSwiftEcho(input: ping.consumer, output: pong.producer, stopFlag: stopFlag)
        var errors = swiftRoundTrips(ping: ping.producer, pong: pong.consumer, first: next, count: warmRoundTrips)
        next &+= UInt64(warmRoundTrips)
        let start = hft_monotonic_ns()
        errors &+= swiftRoundTrips(ping: ping.producer, pong: pong.consumer, first: next, count: roundTrips)
        let elapsed = hft_monotonic_ns() - start
        next &+= UInt64(roundTrips)
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

    /// Events per µs through the Swift ring with 64-byte events.
    func swiftThroughput() -> Double {
        swiftThroughput(ring: swiftOneWay, next: &swiftOneWayNext)
    }

    /// Events per µs through the Swift ring with 56-byte events.
    func swiftThroughput56() -> Double {
        swiftThroughput(ring: swiftOneWay56, next: &swiftOneWay56Next)
    }

    /// Events per µs through a Swift ring (Swift producer loop, Swift consumer thread checking sequences).
    func swiftThroughput<Event: BenchSequenced>(ring: borrowing Ring<Event>, next: inout UInt64) -> Double {
        let total = UInt64(warmEvents + events)
        let first = next
        let consumer = ring.consumer
        let errors = ConsumerErrors()
        let thread = BenchmarkThread(cpu: helperCPU) {
            errors.count = swiftConsumeCounted(consumer: consumer, first: first, count: total)
        }
        swiftProduce(producer: ring.producer, first: first, count: warmEvents)
        let start = hft_monotonic_ns()
        swiftProduce(producer: ring.producer, first: first &+ UInt64(warmEvents), count: events)
        thread.join()
        let elapsed = hft_monotonic_ns() - start
        next &+= total
        precondition(errors.count == 0, "Swift ring lost or reordered events")
        return Double(events) * 1_000 / Double(elapsed)
    }
}

/// Sequence errors a consumer thread saw.
final class ConsumerErrors: @unchecked Sendable {
    // SAFETY: written by the consumer thread before join(), read after it (join synchronizes).
    var count = 0
}

/// The Swift twin of `cring_round_trips`: kept out of line like the C one.
@inline(never)
func swiftRoundTrips<Event: BenchSequenced>(ping: RingProducer<Event>, pong: RingConsumer<Event>, first: UInt64, count: Int) -> Int {
    var event = Event()
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
func swiftProduce<Event: BenchSequenced>(producer: RingProducer<Event>, first: UInt64, count: Int) {
    var event = Event()
    for index in 0..<count {
        event.sequence = first &+ UInt64(index)
        while producer.push(event) == .backPressured { hft_cpu_relax() }
    }
}

/// The Swift twin of the C counted consumer: batches of 64, every sequence checked; returns errors.
@inline(never)
func swiftConsumeCounted<Event: BenchSequenced>(consumer: RingConsumer<Event>, first: UInt64, count: UInt64) -> Int {
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
func startSwiftEcho<Event: BenchSequenced>(input: RingConsumer<Event>, output: RingProducer<Event>, stopFlag: StopFlag) -> BenchmarkThread {
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
    let swift56Metric = BenchmarkMetric.custom("RTT Swift ring 56 B events (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    let swiftOverFloor = BenchmarkMetric.custom("RTT Swift / floor (x1000)", polarity: .prefersSmaller, useScalingFactor: false)
    let swiftOverC = BenchmarkMetric.custom("RTT Swift / C (x1000)", polarity: .prefersSmaller, useScalingFactor: false)
    let interleaved = Interleaved()
    Benchmark(
        "PingPongRTT.Interleaved",
        configuration: .init(
            metrics: [floorMetric, cMetric, swiftMetric, swift56Metric, swiftOverFloor, swiftOverC],
            units: Dictionary(uniqueKeysWithValues: [floorMetric, cMetric, swiftMetric, swift56Metric, swiftOverFloor, swiftOverC].map { ($0, .count) }),
            warmupIterations: 1, maxDuration: .seconds(8), maxIterations: 200
        )
    ) { benchmark in
        pinBenchmarkThread()
        var floor = 0.0, c = 0.0, swift = 0.0, swift56 = 0.0
        for step in 0..<4 {
            switch (step + interleaved.rotation) % 4 {
            case 0: floor = interleaved.floorRoundTrip()
            case 1: c = interleaved.cRoundTrip()
            case 2: swift = interleaved.swiftRoundTrip()
            default: swift56 = interleaved.swiftRoundTrip56()
            }
        }
        interleaved.rotation &+= 1
        benchmark.measurement(floorMetric, Int(floor.rounded()))
        benchmark.measurement(cMetric, Int(c.rounded()))
        benchmark.measurement(swiftMetric, Int(swift.rounded()))
        benchmark.measurement(swift56Metric, Int(swift56.rounded()))
        benchmark.measurement(swiftOverFloor, Int((swift / floor * 1_000).rounded()))
        benchmark.measurement(swiftOverC, Int((swift / c * 1_000).rounded()))
    }

    let cRate = BenchmarkMetric.custom("C ring (events/ms)", polarity: .prefersLarger, useScalingFactor: false)
    let swiftRate = BenchmarkMetric.custom("Swift ring (events/ms)", polarity: .prefersLarger, useScalingFactor: false)
    let swift56Rate = BenchmarkMetric.custom("Swift ring 56 B events (events/ms)", polarity: .prefersLarger, useScalingFactor: false)
    let swiftOverCRate = BenchmarkMetric.custom("Swift / C throughput (x1000)", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark(
        "OneToOneRing.Interleaved",
        configuration: .init(
            metrics: [cRate, swiftRate, swift56Rate, swiftOverCRate],
            units: Dictionary(uniqueKeysWithValues: [cRate, swiftRate, swift56Rate, swiftOverCRate].map { ($0, .count) }),
            warmupIterations: 1, maxDuration: .seconds(8), maxIterations: 200
        )
    ) { benchmark in
        pinBenchmarkThread()
        var c = 0.0, swift = 0.0, swift56 = 0.0
        for step in 0..<3 {
            switch (step + interleaved.rotation) % 3 {
            case 0: c = interleaved.cThroughput()
            case 1: swift = interleaved.swiftThroughput()
            default: swift56 = interleaved.swiftThroughput56()
            }
        }
        interleaved.rotation &+= 1
        benchmark.measurement(cRate, Int((c * 1_000).rounded()))
        benchmark.measurement(swiftRate, Int((swift * 1_000).rounded()))
        benchmark.measurement(swift56Rate, Int((swift56 * 1_000).rounded()))
        benchmark.measurement(swiftOverCRate, Int((swift / c * 1_000).rounded()))
    }
}
