import ArgumentParser
import Engine

/// `hft features CAPTURE... [--symbol S] --npy F.npy [--csv F.csv] --schema S.json`: replays captures
/// through the book and the feature engine (default analytics config, the live schema) and writes one
/// feature row per book update and trade, for research and model training.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Export the feature stream of recorded captures as .npy / .csv plus the feature schema JSON.",
        discussion: """
        Captures given together are one continuous recording, in order (e.g. two consecutive hftbacktest \
        files). Rows: one per depth update the feature engine accepted while the book was synced, and one per \
        trade of the symbol, in receive order. The .npy is (rows, 2 + features) float64 by default: column 0 \
        the engine clock in seconds, column 1 the event (0 book, 1 trade), then the schema's features in order. \
        The CSV has the same columns with the clock in integer ns (time_ns). The schema JSON gives the names, \
        units and the schema id a model bundle must match.
        """
    )

    @Argument(help: "Capture files (one continuous recording, in order).")
    var captures: [String]

    @Option(help: "Symbol to export (default: the first of the recording).")
    var symbol: String?

    @Option(help: "Output .npy file.")
    var npy: String?

    @Option(help: "Output .csv file.")
    var csv: String?

    @Option(help: "Output feature schema JSON.")
    var schema: String?

    @Flag(help: "Write the .npy as float32 instead of float64 (the time column then loses its sub-second resolution).")
    var float32 = false

    func run() throws {
        guard npy != nil || csv != nil || schema != nil else { throw ValidationError("give at least one of --npy, --csv, --schema") }
        let s = try FeatureExport.run(capturePaths: captures, symbol: symbol, npyPath: npy, csvPath: csv, schemaPath: schema,
                                      precision: float32 ? .float32 : .float64)
        print("\(s.symbol): \(s.rows) rows (\(s.bookRows) book, \(s.tradeRows) trade) x \(s.featureCount) features, schema \(s.schemaId); "
              + "\(s.frames) frames, \(s.ignoredBooks) book events ignored, \(s.staleDepthUpdates) depth updates while stale")
    }
}
