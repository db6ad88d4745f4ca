import ArgumentParser
import HFTPrimitives
import MarketData

/// `hft book-check FILE...`: replays recorded market data through parser + sync + book on one
/// thread and checks the books against the venue's own bookTicker wherever their update ids meet.
struct BookCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book-check",
        abstract: "Replay recordings through parser, book sync and book; check every book against the bookTicker oracle.",
        discussion: """
        Files given together are one continuous recording, in the order given (e.g. two consecutive \
        hftbacktest files of one session). Formats are detected from content: our capture files, \
        hftbacktest `.gz`/text lines, cryptofeed `*.ws.1.0` (+ the companion `*.http.0.0`), jsonl \
        (Bybit archives, nautilus `.data`). Prints per file and symbol: oracle matched/checked, \
        resyncs, gaps, dropped diffs, parse errors. Exit status 1 on any oracle mismatch or crossed book.
        """
    )

    @Argument(help: "Recording files (one continuous recording, in order).")
    var files: [String]

    @Option(help: "Force the format: \(RecordingFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String?

    @Option(help: "Force the venue: binance-spot, binance-usdm, bybit-linear, bybit-spot (default: detected).")
    var venue: String?

    func run() throws {
        var forced: RecordingFormat? = nil
        if let f = format {
            guard let parsed = RecordingFormat(rawValue: f) else { throw ValidationError("unknown format \(f)") }
            forced = parsed
        }
        var recordings: [FrameSequence] = []
        var all = FrameSequence()
        for path in files {
            let frames = try RecordingImporter.load(path: path, format: forced)
            recordings.append(frames)
            all.append(contentsOf: frames)
        }
        let venueId: VenueId
        if let v = venue {
            guard let parsed = VenueId(name: v), parsed != .paper else { throw ValidationError("unknown venue \(v)") }
            venueId = parsed
        } else {
            guard let detected = all.venue ?? RecordingInspector.detectVenue(all) else {
                throw ValidationError("cannot tell the venue from the content; pass --venue")
            }
            venueId = detected
        }
        let instruments = BookReplay.instruments(for: all, venue: venueId)
        guard !instruments.isEmpty else { throw ValidationError("no symbols found in the recording") }
        print("venue \(venueId), \(instruments.count) symbol(s): " + instruments.map {
            "\($0.symbol) (price 1e-\($0.spec.priceScale.places), qty 1e-\($0.spec.quantityScale.places))"
        }.joined(separator: ", "))

        var feed = BookFeed(venue: venueId, instruments: instruments, book: OrderBookConfiguration(invariantCheckInterval: 0))
        var failed = false
        var totalChecked = 0
        var totalMatched = 0
        for (path, frames) in zip(files, recordings) {
            let beforeOracle = (0..<instruments.count).map { feed.oracle(InstrumentId(raw: UInt32($0))) }
            let beforeSync = (0..<instruments.count).map { feed.syncCounters(InstrumentId(raw: UInt32($0))) }
            let beforeFeed = feed.counters
            let replay = BookReplay.run(frames, routes: BookReplay.symbolRoutes(frames, instruments: instruments), feed: &feed)
            print("\(path): \(replay.frames) frames, \(feed.counters.parseErrors - beforeFeed.parseErrors) parse errors, "
                  + "\(feed.counters.unroutable - beforeFeed.unroutable) unroutable, \(replay.skippedFrames) skipped")
            for (i, entry) in instruments.enumerated() {
                let id = InstrumentId(raw: UInt32(i))
                let o = feed.oracle(id), s = feed.syncCounters(id)
                let checked = o.checked - beforeOracle[i].checked
                let matched = o.matched - beforeOracle[i].matched
                let diffs = s.appliedDiffs - beforeSync[i].appliedDiffs
                let snapshots = s.snapshots - beforeSync[i].snapshots
                if diffs == 0 && snapshots == 0 && checked == 0 && s.droppedStale == beforeSync[i].droppedStale { continue }
                let crossed = s.crossedBooks - beforeSync[i].crossedBooks
                totalChecked += checked
                totalMatched += matched
                let stale = feed.isStale(id) ? " STALE" : ""
                print("  \(entry.symbol): oracle \(matched)/\(checked), diffs \(diffs), snapshots \(snapshots), "
                      + "resyncs \(s.resyncs - beforeSync[i].resyncs), gaps \(s.gaps - beforeSync[i].gaps), "
                      + "dropped \(s.droppedStale - beforeSync[i].droppedStale), "
                      + "buffer overflows \(s.bufferOverflows - beforeSync[i].bufferOverflows), crossed \(crossed), "
                      + "levels \(feed.withBook(id) { $0.book.levelCount(.buy) })x\(feed.withBook(id) { $0.book.levelCount(.sell) })\(stale)")
                if matched != checked || crossed != 0 {
                    failed = true
                    if let m = o.firstMismatch {
                        let p = entry.spec.priceScale.places, q = entry.spec.quantityScale.places
                        func level(_ price: Price, _ qty: Quantity) -> String {
                            "\(DecimalFormatter.string(price.raw, places: p)) x \(DecimalFormatter.string(qty.raw, places: q))"
                        }
                        print("    first mismatch at u=\(m.ticker.updateId): book bid \(level(m.bookBid.price, m.bookBid.quantity)), "
                              + "ask \(level(m.bookAsk.price, m.bookAsk.quantity)); bookTicker bid \(level(m.ticker.bidPrice, m.ticker.bidQuantity)), "
                              + "ask \(level(m.ticker.askPrice, m.ticker.askQuantity))")
                    }
                }
            }
        }
        print("total: oracle \(totalMatched)/\(totalChecked)" + (failed ? " — FAILED" : " — ok"))
        if failed { throw ExitCode(1) }
    }
}
