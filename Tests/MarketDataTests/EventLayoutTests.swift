import Testing
import HFTPrimitives
@testable import MarketData

/// Events cross rings by value: each must stay a trivial struct of at most 64 bytes.
@Suite struct EventLayoutTests {
    @Test func eventsFitInOneCacheLine() {
        #expect(MemoryLayout<TradeEvent>.size <= 64)
        #expect(MemoryLayout<BookTickerEvent>.size <= 64)
        #expect(MemoryLayout<DepthUpdateHeader>.size <= 64)
        #expect(MemoryLayout<DepthLevel>.size == 16)
        #expect(_isPOD(TradeEvent.self) && _isPOD(BookTickerEvent.self) && _isPOD(DepthUpdateHeader.self))
    }
}
