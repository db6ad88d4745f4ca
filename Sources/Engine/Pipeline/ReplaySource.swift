import CSystemShims
import HFTPrimitives
import HFTRuntime
import MarketData
import Synchronization

/// Replay's stand-in for the websocket: writes a capture's frames, in order and with their
/// recorded receive times, into the Feed → Book `ByteRing`, as fast as the Book stage takes them.
/// REST snapshots go in as records whose channel is `CaptureChannel.restDepthSnapshot(symbolIndex:
/// instrument)` (the Book stage applies them in stream order). Frames of other symbols or unknown
/// channels are skipped and counted.
///
/// The frames are copied into one buffer at init; `doWork` allocates nothing.
public actor ReplaySource: Agent {
    public nonisolated let pinnedExecutor: PinnedExecutor
    let writer: ByteRingWriter
    // SAFETY: allocated in init, freed in deinit; used only on this actor\'s pinned thread.
    nonisolated(unsafe) let bytes: UnsafeMutableRawBufferPointer
    // SAFETY: allocated in init, freed in deinit; used only on this actor\'s pinned thread.
    nonisolated(unsafe) let records: UnsafeMutablePointer<FrameRecord>
    let count: Int
    var next = 0
    /// Frames written so far, and skipped.
    public private(set) var written = 0
    public private(set) var skipped = 0
    /// Set once every frame is in the ring (any thread; one atomic load).
    public nonisolated let finished: Atomic<Bool>
    /// Benchmark pacing: frame i is due at `start + i × period` and carries that intended time as
    /// its receive time (latency then counts the wait of a frame behind a slow stage: coordinated
    /// omission corrected). 0: as fast as the Book stage takes them, with the recorded receive times.
    let period: Int64
    var start: Int64 = 0
    /// Frames written late by more than one period (the offered rate was not sustained).
    public private(set) var lateFrames = 0
    /// Benchmark closed loop: one frame per `doWork`, stamped with that call's clock reading. On a
    /// thread that also runs every stage after it (in pipeline order), a frame has gone through
    /// all of them before the next is written: latency is then the stack's service time, with no
    /// queueing and no idle gap between frames (a floor, not a latency under load).
    let closedLoop: Bool

    /// - Parameters:
    ///   - routes: capture symbol index → instrument index (−1: not traded), from `BookReplay.symbolRoutes`.
    init(on thread: PinnedThread, frames: FrameSequence, routes: [Int], writer: ByteRingWriter, rate: Int? = nil, closedLoop: Bool = false) {
        pinnedExecutor = thread.executor
        self.closedLoop = closedLoop
        period = rate.map { Int64(1_000_000_000 / max(1, $0)) } ?? 0
        self.writer = writer
        let total = frames.bytes.count
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, total), alignment: 16)
        frames.bytes.withUnsafeBytes { src in
            // SAFETY: `buffer` has room for `total` bytes; `src` holds exactly `total`.
            if let b = src.baseAddress { buffer.baseAddress!.copyMemory(from: b, byteCount: total) }
        }
        bytes = buffer
        var kept: [FrameRecord] = []
        kept.reserveCapacity(frames.count)
        var skippedAtLoad = 0
        for var r in frames.frames {
            switch r.channel.kind {
            case .restDepthSnapshot:
                guard let s = r.channel.symbolIndex, s < routes.count, routes[s] >= 0 else { skippedAtLoad += 1; continue }
                r.channel = .restDepthSnapshot(symbolIndex: routes[s])
            case .websocket, .depthStream, .tradeStream, .bookTickerStream, .control:
                // Kind 0 (not a snapshot) and the frame's connection (the Book stage tells a rollover's two apart).
                r.channel = CaptureChannel(raw: r.channel.connection)
            case nil:
                skippedAtLoad += 1
                continue
            }
            guard r.length <= writer.maxRecordLength else { skippedAtLoad += 1; continue }
            kept.append(r)
        }
        count = kept.count
        let table = UnsafeMutablePointer<FrameRecord>.allocate(capacity: max(1, kept.count))
        table.initialize(from: kept, count: kept.count)
        records = table
        skipped = skippedAtLoad
        finished = Atomic(kept.isEmpty)
    }

    deinit {
        bytes.deallocate()
        records.deallocate()
    }

    /// Frames that will be written.
    public nonisolated var frameCount: Int { count }

    public func doWork() -> Int {
        var done = 0
        var now: Int64 = 0
        if period > 0 || closedLoop {
            now = hft_monotonic_ns()
            if start == 0 { start = now }
        }
        let limit = closedLoop ? 1 : 64
        while done < limit && next < count {
            let r = records[next]
            var time = r.receiveTime
            if closedLoop {
                time = Nanos(raw: now)
            } else if period > 0 {
                let due = start &+ Int64(next) &* period
                guard now >= due else { break }
                if now &- due > period { lateFrames &+= 1 }
                time = Nanos(raw: due)
            }
            // SAFETY: offset + length lie inside `bytes` (they index the copied capture buffer).
            let frame = UnsafeRawBufferPointer(rebasing: bytes[r.offset..<(r.offset + r.length)])
            guard writer.write(frame, channel: r.channel.raw, receiveTime: time) == .published else { break }
            next &+= 1
            written &+= 1
            done &+= 1
        }
        if next == count && done > 0 {
            // ORDERING: releasing: the frames written above are in the ring before "finished" is seen.
            finished.store(true, ordering: .releasing)
        }
        return done
    }
}
