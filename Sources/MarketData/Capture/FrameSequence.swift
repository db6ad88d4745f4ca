import HFTPrimitives

/// Where one frame of a `FrameSequence` is: its receive time, channel, and byte range.
@frozen
public struct FrameRecord: BitwiseCopyable, Sendable, Hashable {
    public var receiveTime: Nanos
    public var channel: CaptureChannel
    public var offset: Int
    public var length: Int

    @inlinable
    public init(receiveTime: Nanos, channel: CaptureChannel, offset: Int, length: Int) {
        self.receiveTime = receiveTime
        self.channel = channel
        self.offset = offset
        self.length = length
    }
}

/// An in-memory recording: raw frames (receive ns, channel, bytes) in arrival order, all bytes in
/// one contiguous array. What importers and the capture reader produce and what replay consumes.
///
/// Built on the cold path (it grows); replay reads it through `withFrames` without allocation.
public struct FrameSequence: Sendable {
    /// The venue, when known (capture header, or detected from content).
    public var venue: VenueId?
    /// Symbols named by the recording; a channel's `symbolIndex` refers here.
    public var symbols: [String]
    public private(set) var bytes: [UInt8]
    public private(set) var frames: [FrameRecord]

    public init(venue: VenueId? = nil, symbols: [String] = []) {
        self.venue = venue
        self.symbols = symbols
        self.bytes = []
        self.frames = []
    }

    /// Adopts `bytes` with a frame table pointing into it (the capture reader's zero-copy load).
    init(venue: VenueId?, symbols: [String], bytes: [UInt8], frames: [FrameRecord]) {
        self.venue = venue
        self.symbols = symbols
        self.bytes = bytes
        self.frames = frames
    }

    /// Number of frames.
    public var count: Int { frames.count }

    /// Reserves room for `frames` frames and `bytes` payload bytes.
    public mutating func reserve(frames n: Int, bytes b: Int) {
        frames.reserveCapacity(n)
        bytes.reserveCapacity(b)
    }

    /// Appends one frame (copying its bytes).
    public mutating func append(receiveTime: Nanos, channel: CaptureChannel, bytes frame: UnsafeRawBufferPointer) {
        frames.append(FrameRecord(receiveTime: receiveTime, channel: channel, offset: bytes.count, length: frame.count))
        bytes.append(contentsOf: frame)
    }

    /// Appends one frame given as an array slice or array of bytes.
    public mutating func append<C: Collection>(receiveTime: Nanos, channel: CaptureChannel, contents: C) where C.Element == UInt8 {
        frames.append(FrameRecord(receiveTime: receiveTime, channel: channel, offset: bytes.count, length: contents.count))
        bytes.append(contentsOf: contents)
    }

    /// Index of `symbol` in `symbols`, appending it when new.
    public mutating func symbolIndex(_ symbol: String) -> Int {
        if let i = symbols.firstIndex(of: symbol) { return i }
        symbols.append(symbol)
        return symbols.count - 1
    }

    /// Appends `other` after this one (a continuation of the same recording), remapping its
    /// per-symbol channels to this sequence's symbol list.
    public mutating func append(contentsOf other: FrameSequence) {
        if venue == nil { venue = other.venue }
        let remap = other.symbols.map { symbolIndex($0) }
        let base = bytes.count
        bytes.append(contentsOf: other.bytes)
        frames.reserveCapacity(frames.count + other.frames.count)
        for var f in other.frames {
            f.offset += base
            if let s = f.channel.symbolIndex, let kind = f.channel.kind, s < remap.count {
                f.channel = CaptureChannel(kind, symbolIndex: remap[s])
            }
            frames.append(f)
        }
    }

    /// The bytes of frame `i` (copied; tests and tools).
    public func frameBytes(_ i: Int) -> [UInt8] {
        let f = frames[i]
        return Array(bytes[f.offset..<(f.offset + f.length)])
    }

    /// A sequence with the frames reordered or filtered by `indices` (fault injection in tests and the simulator).
    public func selecting(_ indices: [Int]) -> FrameSequence {
        var out = FrameSequence(venue: venue, symbols: symbols)
        for i in indices {
            let f = frames[i]
            out.append(receiveTime: f.receiveTime, channel: f.channel, contents: bytes[f.offset..<(f.offset + f.length)])
        }
        return out
    }

    /// Calls `body` with the frame table and the byte base, for allocation-free iteration.
    /// - Warning: the pointers are valid only inside `body`.
    @inlinable
    public func withFrames<R>(_ body: (UnsafeBufferPointer<FrameRecord>, UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try frames.withUnsafeBufferPointer { f in
            try bytes.withUnsafeBytes { b in try body(f, b) }
        }
    }
}
