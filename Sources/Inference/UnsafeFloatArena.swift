/// One 64-byte-aligned block of `Float`s holding a model's packed weights and all of its scratch buffers,
/// planned at load and freed once. Pointers into it stay valid until `deallocate()`.
///
/// Every reservation starts on a 64-byte boundary and is zero-filled, so the padding after a vector
/// (up to the next multiple of 16 floats) reads as 0; SIMD kernels rely on that.
@frozen
public struct UnsafeFloatArena {
    @usableFromInline let base: UnsafeMutablePointer<Float>
    /// Capacity in floats.
    public let count: Int

    /// Allocates and zero-fills `layout.count` floats, then copies every planned constant in.
    init(_ layout: UnsafeFloatArenaLayout) {
        let n = max(layout.count, 16)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: n * MemoryLayout<Float>.stride, alignment: 64)
        // SAFETY: raw holds n floats, bound once here; constants lie inside [0, layout.count).
        base = raw.initializeMemory(as: Float.self, repeating: 0, count: n)
        count = n
        for (offset, values) in layout.constants {
            values.withUnsafeBufferPointer { src in
                (base + offset).update(from: src.baseAddress!, count: src.count)
            }
        }
    }

    /// The floats at `offset` (an offset returned by the layout this arena was built from).
    @inlinable
    func pointer(_ offset: Int) -> UnsafeMutablePointer<Float> { base + offset }

    /// Frees the block. Every pointer into it is dangling afterwards.
    func deallocate() {
        // SAFETY: base came from allocate(byteCount:alignment:) in init and is freed exactly once by the
        // owning model's deinit.
        UnsafeMutableRawPointer(base).deallocate()
    }
}

/// The plan of an `UnsafeFloatArena`: offsets of constants (weights) and scratch buffers, in floats.
struct UnsafeFloatArenaLayout {
    private(set) var count = 0
    private(set) var constants: [(Int, [Float])] = []

    /// Reserves `n` zero-initialised floats (rounded up to 16, i.e. one cache line) and returns the offset.
    mutating func reserve(_ n: Int) -> Int {
        let offset = count
        count += (max(n, 1) + 15) & ~15
        return offset
    }

    /// Reserves room for `values` and copies them in when the arena is built.
    mutating func constant(_ values: [Float]) -> Int {
        let offset = reserve(values.count)
        constants.append((offset, values))
        return offset
    }
}

/// Rounds `n` up to a multiple of 8 floats (the SIMD width of the dot-product kernels).
@inlinable
func paddedTo8(_ n: Int) -> Int { (n + 7) & ~7 }
