import Testing
@testable import HFTRuntime
@Suite struct CacheLineTests { @Test func sizes() { #expect(CacheLine.size == 64) } }
