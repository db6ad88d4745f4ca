import CNuma
import CSystemShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A zero-filled, page-aligned block of raw memory, placed with libnuma when the machine has more
/// than one NUMA node. Trivially copyable, no ARC: the owner must call `deallocate()` exactly once.
///
/// Rings use one such block each so that the producer's fields, the consumer's fields and the slots
/// sit at fixed, cache-line-aligned offsets (Swift cannot align stored properties).
/// - Warning: copies share the memory; after `deallocate()` every copy dangles.
@frozen
public struct UnsafeAlignedMemory {
    /// Alignment of every block: one page, so cache-line and 128-byte offsets inside stay aligned.
    public static let alignment = 4096

    /// Start of the block.
    public let base: UnsafeMutableRawPointer
    /// Usable bytes (what was asked for).
    public let byteCount: Int
    /// Bytes handed to `numa_free` (0 when the block came from `posix_memalign`).
    @usableFromInline let numaByteCount: Int

    /// The node the block was placed on, or `nil` when placement was left to the kernel.
    public let node: Int?

    @inlinable
    init(base: UnsafeMutableRawPointer, byteCount: Int, numaByteCount: Int, node: Int?) {
        self.base = base
        self.byteCount = byteCount
        self.numaByteCount = numaByteCount
        self.node = node
    }

    /// Allocates `byteCount` zero-filled bytes, page aligned, touched once so the pages are resident.
    ///
    /// With `hft_numa_node_count() > 1` and a placement naming a node, the block comes from
    /// `numa_alloc_onnode` on that node; otherwise from `posix_memalign`.
    /// - Precondition: `byteCount > 0`.
    /// - Complexity: O(`byteCount`) (the block is zero-filled); cold path only.
    public static func allocate(byteCount: Int, placement: NumaPlacement = .anyNode) -> UnsafeAlignedMemory {
        precondition(byteCount > 0, "UnsafeAlignedMemory: byteCount must be positive")
        let nodeCount = Int(hft_numa_node_count())
        var wanted: Int?
        if nodeCount > 1 {
            switch placement {
            case .anyNode: wanted = nil
            case .node(let node): wanted = node
            case .nodeOfCPU(let cpu): wanted = Int(hft_numa_node_of_cpu(Int32(cpu)))
            }
        }
        if let node = wanted, node >= 0, node < nodeCount {
            // numa_alloc_onnode rounds up to whole pages and returns page-aligned, zero-filled memory.
            if let raw = numa_alloc_onnode(byteCount, Int32(node)) {
                // SAFETY: `raw` points to at least `byteCount` bytes we own; touching them faults the pages in on `node`.
                raw.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
                return UnsafeAlignedMemory(base: raw, byteCount: byteCount, numaByteCount: byteCount, node: node)
            }
        }
        guard let raw = hft_aligned_alloc(alignment, byteCount) else {
            fatalError("UnsafeAlignedMemory: out of memory allocating \(byteCount) bytes")
        }
        // SAFETY: `raw` points to `byteCount` freshly allocated bytes; zero-fill before anyone reads them.
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        return UnsafeAlignedMemory(base: raw, byteCount: byteCount, numaByteCount: 0, node: nil)
    }

    /// Returns the block to the allocator it came from.
    /// - Precondition: called once, after every thread has stopped using the memory.
    public func deallocate() {
        if numaByteCount > 0 {
            // SAFETY: the block came from numa_alloc_onnode with exactly this size.
            numa_free(base, numaByteCount)
        } else {
            // SAFETY: the block came from posix_memalign; free() is its deallocator.
            free(base)
        }
    }
}
