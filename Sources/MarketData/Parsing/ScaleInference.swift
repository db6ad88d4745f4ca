import HFTPrimitives

/// Infers an instrument's price and quantity scales from depth messages when no exchange info is at
/// hand (tests, importers, `book-check`): the most fraction digits seen in any price and any
/// quantity, capped at `DecimalScale.maxPlaces`.
///
/// Cold path (it walks every level with validation, but allocates nothing). Feed it the snapshot
/// and, to be safe, the diffs too: a later message may carry more digits than the snapshot did, and
/// the parsers then refuse it with `.tooManyFractionDigits`.
public struct ScaleInference: Sendable {
    /// Most fraction digits seen in a price (uncapped).
    public private(set) var priceFractionDigits = 0
    /// Most fraction digits seen in a quantity (uncapped).
    public private(set) var quantityFractionDigits = 0
    /// Levels seen so far.
    public private(set) var levelCount = 0

    public init() {}

    /// Scans one body: a Binance REST snapshot (`bids`/`asks`), a Binance depth diff (raw or wrapped)
    /// or a Bybit order-book frame (`data.b`/`data.a`). Level arrays are found under the keys `b`,
    /// `a`, `bids` and `asks` at any object depth.
    /// - Returns: false when the body is not valid JSON (nothing is counted from it then).
    public mutating func observe(_ body: UnsafeRawBufferPointer) -> Bool {
        guard let base = body.baseAddress, body.count > 0 else { return false }
        // SAFETY: the body's bytes are only read, as UInt8, within [base, base + count).
        let start = base.assumingMemoryBound(to: UInt8.self)
        var c = JSONCursor(start, end: start + body.count)
        var scan = self
        guard scan.walkValue(&c, depth: 0, levelsKey: false), c.atEndAfterWhitespace() else { return false }
        self = scan
        return true
    }

    /// The price scale seen, capped at 18.
    public var priceScale: DecimalScale { DecimalScale(places: min(priceFractionDigits, DecimalScale.maxPlaces)) }
    /// The quantity scale seen, capped at 18.
    public var quantityScale: DecimalScale { DecimalScale(places: min(quantityFractionDigits, DecimalScale.maxPlaces)) }

    /// An instrument with the inferred scales (tick and lot 1 raw unit).
    public func spec(id: InstrumentId, venue: VenueId) -> InstrumentSpec {
        InstrumentSpec(id: id, venue: venue, priceScale: priceScale, quantityScale: quantityScale)
    }

    /// One-shot form: the spec inferred from a single snapshot body, or nil if it is not JSON or has no levels.
    public static func infer(fromSnapshot body: UnsafeRawBufferPointer, id: InstrumentId, venue: VenueId) -> InstrumentSpec? {
        var s = ScaleInference()
        guard s.observe(body), s.levelCount > 0 else { return nil }
        return s.spec(id: id, venue: venue)
    }

    private mutating func walkValue(_ c: inout JSONCursor, depth: Int, levelsKey: Bool) -> Bool {
        let first = c.peekAfterWhitespace()
        if first == UInt8(ascii: "[") && levelsKey {
            return walkLevels(&c, depth: depth)
        }
        guard first == UInt8(ascii: "{") else { return c.skipValue(depth: depth) == nil }
        guard depth < JSONCursor.maxDepth else { return false }
        c.p += 1
        if c.consume(UInt8(ascii: "}")) { return true }
        var key = JSONKey()
        while true {
            guard c.readKey(&key) == nil else { return false }
            let isLevels = (key.length == 1 && (key.word == 0x62 || key.word == 0x61))
                || (key.length == 4 && (key.word == JSONKeyCode.bids || key.word == JSONKeyCode.asks))
            guard walkValue(&c, depth: depth &+ 1, levelsKey: isLevels) else { return false }
            if c.consume(UInt8(ascii: ",")) { continue }
            return c.consume(UInt8(ascii: "}"))
        }
    }

    private mutating func walkLevels(_ c: inout JSONCursor, depth: Int) -> Bool {
        guard c.consume(UInt8(ascii: "[")) else { return false }
        if c.consume(UInt8(ascii: "]")) { return true }
        while true {
            guard c.consume(UInt8(ascii: "[")) else { return false }
            var start = c.p
            var n = 0
            guard c.readPlainString(&start, &n) == nil else { return false }
            priceFractionDigits = max(priceFractionDigits, ScaleInference.fractionDigits(start, n))
            guard c.consume(UInt8(ascii: ",")), c.readPlainString(&start, &n) == nil else { return false }
            quantityFractionDigits = max(quantityFractionDigits, ScaleInference.fractionDigits(start, n))
            while c.consume(UInt8(ascii: ",")) {
                guard c.skipValue(depth: depth &+ 2) == nil else { return false }
            }
            guard c.consume(UInt8(ascii: "]")) else { return false }
            levelCount &+= 1
            if c.consume(UInt8(ascii: ",")) { continue }
            return c.consume(UInt8(ascii: "]"))
        }
    }

    /// Digits after the decimal point (0 without one).
    private static func fractionDigits(_ start: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var i = 0
        // SAFETY: i < n, the string's length.
        while i < n && start[i] != UInt8(ascii: ".") { i &+= 1 }
        return i < n ? n &- i &- 1 : 0
    }
}
