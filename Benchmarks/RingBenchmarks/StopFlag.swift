import Atomics
import HFTRuntime

/// A stop flag on its own cache-line pair, shared by a benchmark and its helper thread.
/// Trivially copyable; `destroy()` once both threads are done.
struct StopFlag {
    private let memory: UnsafeAlignedMemory

    init() {
        memory = UnsafeAlignedMemory.allocate(byteCount: 128)
        // SAFETY: the block is 128 zeroed bytes, bound once here.
        memory.base.bindMemory(to: Int.AtomicRepresentation.self, capacity: 1).initialize(to: .init(0))
    }

    private var atomic: UnsafeAtomic<Int> {
        // SAFETY: bound in init.
        UnsafeAtomic(at: memory.base.assumingMemoryBound(to: Int.AtomicRepresentation.self))
    }

    /// Whether `stop()` was called.
    var isStopped: Bool {
        // ORDERING: relaxed: the flag carries no data; joining the thread synchronizes results.
        atomic.load(ordering: .relaxed) != 0
    }

    /// Asks the helper thread to finish.
    func stop() {
        // ORDERING: relaxed: see isStopped.
        atomic.store(1, ordering: .relaxed)
    }

    /// Lowers the flag again for the next run.
    func reset() {
        // ORDERING: relaxed: set before the helper thread is created, which synchronizes.
        atomic.store(0, ordering: .relaxed)
    }

    func destroy() { memory.deallocate() }
}

// SAFETY: the memory is only accessed through the atomic word until destroy(), after both threads finish.
extension StopFlag: @unchecked Sendable {}
