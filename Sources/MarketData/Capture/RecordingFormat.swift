/// The file formats a recording can be imported from (see `shared/data/market/README.md`).
public enum RecordingFormat: String, CaseIterable, Sendable {
    /// Our own capture file (`CaptureFileLayout`).
    case capture
    /// hftbacktest collector lines `<receive_ns> <frame>` (optionally gzip), REST snapshots inline.
    case hftbacktest
    /// cryptofeed v1 `*.ws.1.0` (`<receive_s>: <frame>`) plus the companion `*.http.0.0` REST responses.
    case cryptofeed
    /// One venue message per line, no local time (the message `ts` in ms is used); Bybit archives
    /// (nautilus `.data`) are this format too.
    case jsonl
}
