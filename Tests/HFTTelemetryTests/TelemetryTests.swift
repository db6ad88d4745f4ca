import Testing
@testable import HFTTelemetry
@Suite struct TelemetryPlaceholderTests { @Test func exists() { _ = Telemetry.self } }
