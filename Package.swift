// swift-tools-version: 6.2
// HFT Core: the module map of DESIGN.md. Lower layers never import higher ones.
import PackageDescription

/// The CPU release builds of our targets are compiled for: an LLVM CPU name (`haswell`: AVX2, FMA,
/// BMI2) from the environment variable `HFT_TARGET_CPU`, which the Makefile sets from the build host's
/// `/proc/cpuinfo` (`.ci/target-cpu`). Unset or empty: baseline x86-64 (SSE2), runs on any x86-64.
/// With AVX2 a `SIMD8<Float>` operation is one 256-bit instruction instead of two 128-bit ones (the
/// TCN and TabNet kernels, the feature engine's vector code). Floating-point results do not change:
/// Swift never contracts `a * b + c` into an FMA by itself. A binary started on a CPU without the
/// target's instruction sets exits with a message (CSystemShims.c) instead of dying of SIGILL.
let targetCPU: String? = Context.environment["HFT_TARGET_CPU"].flatMap { $0.isEmpty ? nil : $0 }

/// Settings every Swift target of ours shares: Swift 6 language mode (strict concurrency) and zero warnings.
/// Release builds drop the run-time exclusivity checks (`swift_beginAccess` on every access to a
/// class or global `var`: ~15 ns and a TLS lookup each, dozens per frame on the hot path); debug
/// builds, which run the tests, keep them. Release builds target `targetCPU` when it is set, and
/// define `HFT_WIDE_VECTORS`: kernels written for SSE's 128-bit registers (TabNet's) then use 256-bit
/// `SIMD8` (the same lane operations; `targetCPU` is meant to name an AVX2 CPU, on an older one this is
/// only slower). `.ci/release-check` compares those kernels with the debug build's, bit for bit.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
] + (targetCPU.map {
    [.unsafeFlags(["-target-cpu", $0], .when(configuration: .release)), .define("HFT_WIDE_VECTORS", .when(configuration: .release))]
} ?? [])

/// The test targets whose references and harnesses do heavy work (AnalyticsTests: window
/// recomputations, dictionaries, sorted copies; MarketDataTests: reference parsers and book
/// mirrors): `strict`, and in debug builds (the ones `make test` runs) their own code optimised
/// (`-O`, with `assert` kept: `-assert-config Debug`). At `-Onone` they ran 2–7× slower
/// (AnalyticsTests 220 s against 58 s); for the other test targets the longer compile outweighs
/// the gain. The modules under test stay `-Onone` with their debug checks (`DEBUG`, exclusivity,
/// the book's invariant checks); `@inlinable` code a test inlines runs optimised there, with its
/// `assert`s and `DEBUG` checks, and unoptimised in every other caller (`hft`'s debug binary in
/// `.ci/release-check` among them).
let testSettings: [SwiftSetting] = strict + [.unsafeFlags(["-O", "-assert-config", "Debug"], .when(configuration: .debug))]

/// C targets of ours compile warning-free too, and for `targetCPU` in release builds (which also
/// defines `HFT_TARGET_CPU` for the start-up check).
let strictC: [CSetting] = [
    .unsafeFlags(["-Wall", "-Wextra", "-Werror"]),
] + (targetCPU.map {
    [.unsafeFlags(["-march=\($0)"], .when(configuration: .release)), .define("HFT_TARGET_CPU", to: "\"\($0)\"", .when(configuration: .release))]
} ?? [])

let package = Package(
    name: "hft",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hft", targets: ["hft"]),
        .library(name: "HFTPrimitives", targets: ["HFTPrimitives"]),
        .library(name: "HFTRuntime", targets: ["HFTRuntime"]),
        .library(name: "HFTTelemetry", targets: ["HFTTelemetry"]),
        // Strategy plugins (dlopen'ed by the engine's StrategyHost) and the loader tests' deliberately wrong plugins.
        .library(name: "RegimeScalper", type: .dynamic, targets: ["RegimeScalper"]),
        .library(name: "TouchQuoter", type: .dynamic, targets: ["TouchQuoter"]),
        .library(name: "FaultyMissingEntry", type: .dynamic, targets: ["FaultyMissingEntry"]),
        .library(name: "FaultyABIVersion", type: .dynamic, targets: ["FaultyABIVersion"]),
        .library(name: "FaultyToolchain", type: .dynamic, targets: ["FaultyToolchain"]),
        .library(name: "FaultySchema", type: .dynamic, targets: ["FaultySchema"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // MARK: C and system libraries
        .target(name: "CSystemShims", cSettings: strictC),
        .systemLibrary(name: "CLibWebSockets", pkgConfig: "libwebsockets", providers: [.apt(["libwebsockets-dev"])]),
        .systemLibrary(name: "CJemalloc", providers: [.apt(["libjemalloc-dev"])]),
        // jemalloc's options for the `hft` executable (transparent huge pages); nothing else links it.
        .target(name: "CJemallocConfig", dependencies: ["CJemalloc"], cSettings: strictC),
        .systemLibrary(name: "CNuma", providers: [.apt(["libnuma-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // MARK: Core layers
        .target(name: "HFTPrimitives", swiftSettings: strict),
        .target(
            name: "HFTRuntime",
            dependencies: [
                "CSystemShims", "CNuma", "HFTPrimitives",
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "HFTTelemetry",
            dependencies: ["CSystemShims", "HFTPrimitives"],
            swiftSettings: strict
        ),

        .target(
            name: "MarketData",
            dependencies: ["HFTPrimitives", "HFTRuntime", "CSystemShims", "CZlib"],
            swiftSettings: strict
        ),
        .target(name: "Analytics", dependencies: ["HFTPrimitives", "MarketData"], swiftSettings: strict),
        .target(name: "Inference", dependencies: ["HFTPrimitives"], swiftSettings: strict),

        .target(
            name: "Transport",
            dependencies: ["CLibWebSockets", "CSystemShims", "HFTPrimitives", "HFTRuntime"],
            swiftSettings: strict
        ),

        .target(
            name: "Execution",
            dependencies: ["HFTPrimitives", "MarketData"],
            swiftSettings: strict
        ),
        .target(name: "Signing", dependencies: ["COpenSSL"], swiftSettings: strict),
        .target(
            name: "Simulator",
            dependencies: ["Transport", "MarketData", "Execution", "HFTPrimitives", "HFTRuntime", "Signing", "CSystemShims"],
            swiftSettings: strict
        ),

        .target(
            name: "Venues",
            dependencies: ["Transport", "MarketData", "HFTRuntime", "HFTPrimitives", "HFTTelemetry", "CSystemShims", "Execution", "Signing"],
            swiftSettings: strict
        ),

        .target(
            name: "Engine",
            dependencies: ["CSystemShims", "HFTPrimitives", "HFTRuntime", "HFTTelemetry", "StrategyABI", "Analytics", "Inference", "Execution", "MarketData", "Venues", "Transport"],
            swiftSettings: strict
        ),

        // MARK: Strategy plugins
        .target(name: "StrategyABI", cSettings: strictC),
        .target(name: "RegimeScalperCore", dependencies: ["StrategyABI", "Analytics", "HFTPrimitives"],
                path: "Strategies/RegimeScalper/Core", swiftSettings: strict),
        .target(name: "RegimeScalper", dependencies: ["RegimeScalperCore", "StrategyABI"],
                path: "Strategies/RegimeScalper/Plugin", swiftSettings: strict),
        .target(name: "TouchQuoter", dependencies: ["StrategyABI"], path: "Strategies/Examples/TouchQuoter", cSettings: strictC),
        .target(name: "FaultyMissingEntry", dependencies: ["StrategyABI"], path: "Strategies/Examples/Faulty/MissingEntry", cSettings: strictC),
        .target(name: "FaultyABIVersion", dependencies: ["StrategyABI"], path: "Strategies/Examples/Faulty/ABIVersion", cSettings: strictC),
        .target(name: "FaultyToolchain", dependencies: ["StrategyABI"], path: "Strategies/Examples/Faulty/Toolchain", cSettings: strictC),
        .target(name: "FaultySchema", dependencies: ["StrategyABI"], path: "Strategies/Examples/Faulty/Schema", cSettings: strictC),

        // MARK: Executable
        .executableTarget(
            name: "hft",
            dependencies: [
                "CJemalloc", "CJemallocConfig", "HFTPrimitives", "HFTRuntime", "HFTTelemetry", "MarketData", "Inference", "Engine", "Simulator", "Venues", "Transport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: Tests
        .target(name: "HFTTestSupport", dependencies: ["HFTRuntime", "CSystemShims", "MarketData", "HFTPrimitives"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "HFTPrimitivesTests", dependencies: ["HFTPrimitives"], swiftSettings: strict),
        .testTarget(name: "HFTRuntimeTests", dependencies: ["HFTTestSupport", "HFTRuntime", "CSystemShims", "CNuma", "HFTPrimitives"], swiftSettings: strict),
        .testTarget(
            name: "HFTTelemetryTests",
            dependencies: ["HFTTelemetry", "HFTPrimitives", "HFTTestSupport", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: strict
        ),
        .testTarget(name: "EngineTests", dependencies: ["HFTTestSupport", "Engine", "HFTRuntime", "HFTTelemetry", "CSystemShims", "Simulator", "Venues", "MarketData", "Execution", "Transport", "HFTPrimitives", "Analytics", "Inference"], swiftSettings: strict),
        .testTarget(
            name: "StrategyPluginTests",
            dependencies: ["HFTTestSupport", "Engine", "StrategyABI", "RegimeScalperCore", "Analytics", "Execution", "MarketData", "HFTTelemetry", "HFTPrimitives"],
            swiftSettings: strict
        ),
        .testTarget(name: "ExecutionTests", dependencies: ["HFTTestSupport", "Execution", "HFTPrimitives"], swiftSettings: strict),
        // Test-only paper-trading process that ExecutionTests/PaperCrashTests kills with SIGKILL.
        .executableTarget(name: "PaperCrashChild", dependencies: ["Execution", "MarketData", "HFTPrimitives"],
                          path: "Tests/PaperCrashChild", swiftSettings: strict),
        .testTarget(name: "MarketDataTests", dependencies: ["HFTTestSupport", "MarketData", "HFTPrimitives", "HFTRuntime"], swiftSettings: testSettings),
        .testTarget(name: "AnalyticsTests", dependencies: ["HFTTestSupport", "Analytics", "MarketData", "HFTPrimitives"], swiftSettings: testSettings),
        .testTarget(name: "InferenceTests", dependencies: ["HFTTestSupport", "Inference", "Analytics"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(name: "TransportTests", dependencies: ["HFTTestSupport", "Transport", "CSystemShims", "HFTPrimitives", "HFTRuntime"], swiftSettings: strict),
        .testTarget(
            name: "VenuesTests",
            dependencies: ["HFTTestSupport", "Venues", "Simulator", "Transport", "MarketData", "HFTRuntime", "HFTPrimitives", "CSystemShims", "Execution", "Signing"],
            swiftSettings: strict
        ),
        .testTarget(name: "SigningTests", dependencies: ["Signing"], swiftSettings: strict),
        .testTarget(
            name: "SimulatorTests",
            dependencies: ["HFTTestSupport", "Simulator", "Transport", "MarketData", "Execution", "Signing", "HFTPrimitives", "CSystemShims"],
            exclude: ["python_feed_client.py"], swiftSettings: strict
        ),

        // MARK: Benchmarks
        .executableTarget(
            name: "TransportBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "Transport", "CSystemShims", "HFTPrimitives"],
            path: "Benchmarks/TransportBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "BookBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "MarketData", "HFTPrimitives", "HFTRuntime", "HFTTestSupport"],
            path: "Benchmarks/BookBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TelemetryBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"), "HFTTelemetry", "HFTPrimitives",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Benchmarks/TelemetryBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(name: "InstructionCounts", dependencies: ["Analytics", "MarketData", "HFTPrimitives", "HFTTestSupport"],
                         path: "Benchmarks/InstructionCounts", exclude: ["count.sh", "idiv-latency.c"], swiftSettings: strict),
        .executableTarget(
            name: "AnalyticsBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "Analytics", "MarketData", "HFTPrimitives", "CSystemShims", "HFTTestSupport"],
            path: "Benchmarks/AnalyticsBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // simdjson On-Demand peer of the parser benchmark (C++ over Debian's libsimdjson-dev; benchmark-only).
        .target(
            name: "CSimdjson", path: "Benchmarks/CSimdjson",
            cxxSettings: [.unsafeFlags(["-std=c++17", "-O3", "-march=native", "-Wall", "-Wextra", "-Werror"])],
            linkerSettings: [.linkedLibrary("simdjson")]
        ),
        .executableTarget(
            name: "ParserBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "CSimdjson", "MarketData", "HFTPrimitives", "HFTTestSupport"],
            path: "Benchmarks/ParserBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "InferenceBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "Inference", "Analytics", "MarketData", "HFTPrimitives", "HFTTestSupport"],
            path: "Benchmarks/InferenceBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StrategyBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "Engine", "StrategyABI", "RegimeScalperCore", "Analytics", "HFTPrimitives", "Inference"],
            path: "Benchmarks/StrategyBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "Engine", "HFTTestSupport"],
            path: "Benchmarks/EngineBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LiveExecutionBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "Engine", "HFTPrimitives"],
            path: "Benchmarks/LiveExecutionBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // C11 peer of HFTRuntime's Ring (same slot layout) and the cache-line ping-pong floor; benchmark-only.
        .target(name: "CRing", path: "Benchmarks/CRing", cSettings: strictC),
        .executableTarget(
            name: "RingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"), "CRing", "CSystemShims", "HFTRuntime", "HFTPrimitives",
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            path: "Benchmarks/RingBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ExecutorBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"), "CSystemShims", "HFTRuntime", "HFTPrimitives",
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            path: "Benchmarks/ExecutorBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RiskBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "Execution", "HFTPrimitives"],
            path: "Benchmarks/RiskBenchmarks", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)

/// `HFT_FUZZ=1` (set by `make fuzz` and `make fuzz-check` only) adds `hft-fuzz`, the libFuzzer
/// target of the market-data path (`Tests/Fuzz`: libFuzzer's driver called from our `main`), and
/// compiles the code it exercises with libFuzzer's coverage, AddressSanitizer and `-O` with
/// `assert`s kept. A debug build, so `@testable` reaches the parser's fast path; no other build
/// sees the target or the flags. The sanitizers are set per target, not with `swift build
/// --sanitize`, which would also instrument the benchmark plugin's tools (they then fail to link).
if Context.environment["HFT_FUZZ"] == "1" {
    let fuzzed: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-O", "-assert-config", "Debug"])]
    for target in package.targets where ["MarketData", "HFTPrimitives", "HFTRuntime"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + fuzzed
    }
    package.targets.append(.executableTarget(
        name: "hft-fuzz", dependencies: ["MarketData", "HFTPrimitives"],
        path: "Tests/Fuzz", exclude: ["seeds.py", "regressions"], swiftSettings: strict + fuzzed,
        linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]
    ))
}
