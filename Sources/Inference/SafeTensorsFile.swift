import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A safetensors file (https://github.com/huggingface/safetensors) mapped read-only into memory.
///
/// Layout: an 8-byte little-endian header size `n`, `n` bytes of JSON (`name → {dtype, shape,
/// data_offsets}` plus an optional `__metadata__`), then the raw little-endian tensor bytes. The header is
/// parsed with Foundation once at open; tensors are converted to `Float` on request (cold path only).
/// Every offset and byte count is checked against the file size, so a truncated or corrupt file is a
/// typed error, never an out-of-bounds read.
///
/// PyTorch libraries save one parameter under several names (locuslab TCN: `conv1` and `net.0`;
/// pytorch-tabnet: the shared GLU weights under 2 × (n_steps + 1) names) and `safetensors.torch.save_model`
/// keeps only one of them, so every lookup takes the list of aliases and uses the first present.
public final class SafeTensorsFile: @unchecked Sendable {
    // SAFETY: @unchecked Sendable: the mapping is read-only (PROT_READ) and `entries` is never mutated after
    // init, so concurrent reads from several threads are race-free.

    /// One tensor's header entry.
    public struct Entry: Sendable, Equatable {
        /// The dtype string exactly as in the header (`F32`, `BF16`, `I64`, ...).
        public let dtype: String
        public let shape: [Int]
        /// Byte range relative to the start of the data section.
        public let begin: Int
        public let end: Int
    }

    public let path: String
    /// Header entries by tensor name.
    public let entries: [String: Entry]
    /// `__metadata__` string pairs, if any.
    public let metadata: [String: String]
    @usableFromInline let base: UnsafeRawPointer
    @usableFromInline let mappedSize: Int
    @usableFromInline let dataStart: Int

    /// Maps `path` and validates its header.
    /// - Throws: `ModelLoadError.fileUnreadable`, `.truncatedFile`, `.badHeader`.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ModelLoadError.fileUnreadable(path: path, errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ModelLoadError.fileUnreadable(path: path, errno: errno) }
        let size = Int(st.st_size)
        guard size >= 8 else {
            throw ModelLoadError.truncatedFile(path: path, detail: "\(size) bytes, the header size alone takes 8")
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw ModelLoadError.fileUnreadable(path: path, errno: errno)
        }
        let raw = UnsafeRawPointer(p)
        // From here on, failures must unmap.
        do {
            // SAFETY: size >= 8 checked above; loadUnaligned reads 8 bytes inside the mapping.
            let n = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            guard n <= UInt64(size - 8) else {
                throw ModelLoadError.truncatedFile(path: path, detail: "header says \(n) bytes, file has \(size - 8) after the size")
            }
            let headerLen = Int(n)
            // SAFETY: [8, 8 + headerLen) lies inside the mapping (checked just above).
            let headerData = Data(bytes: raw + 8, count: headerLen)
            let parsed = try SafeTensorsFile.parseHeader(headerData, path: path)
            let dataStart = 8 + headerLen
            let available = size - dataStart
            for (name, e) in parsed.entries {
                guard e.end <= available else {
                    throw ModelLoadError.truncatedFile(path: path, detail: "tensor \(name) ends at byte \(e.end) of \(available) data bytes")
                }
            }
            self.entries = parsed.entries
            self.metadata = parsed.metadata
            self.base = raw
            self.mappedSize = size
            self.dataStart = dataStart
        } catch {
            munmap(p, size)
            throw error
        }
    }

    deinit {
        // SAFETY: base/mappedSize are exactly what mmap returned in init.
        munmap(UnsafeMutableRawPointer(mutating: base), mappedSize)
    }

    /// The first of `aliases` present in the file, or `nil`.
    public func resolve(_ aliases: [String]) -> String? {
        aliases.first { entries[$0] != nil }
    }

    /// Whether any of `aliases` is present.
    public func contains(anyOf aliases: [String]) -> Bool { resolve(aliases) != nil }

    /// The tensor saved under any of `aliases`, converted to `Float`, row-major (C order) as PyTorch stores it.
    /// - Parameter shape: the expected shape; `nil` accepts any shape.
    /// - Throws: `.missingTensor`, `.wrongShape`, `.wrongDtype`.
    public func floats(_ aliases: [String], shape: [Int]?) throws -> [Float] {
        guard let name = resolve(aliases), let e = entries[name] else {
            throw ModelLoadError.missingTensor(aliases: aliases)
        }
        if let shape, shape != e.shape {
            throw ModelLoadError.wrongShape(name: name, expected: shape, actual: e.shape)
        }
        guard let dtype = SafeTensorsDType(rawValue: e.dtype) else {
            throw ModelLoadError.wrongDtype(name: name, dtype: e.dtype)
        }
        let count = e.shape.reduce(1, *)
        // SAFETY: [dataStart + begin, dataStart + end) was checked to lie inside the mapping at init and
        // end - begin == count * byteWidth; loadUnaligned tolerates any alignment of the data section.
        let p = base + dataStart + e.begin
        switch dtype {
        case .f32:
            return (0..<count).map { Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        case .f16:
            return (0..<count).map { SafeTensorsDType.float(fromHalfBits: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) }
        case .bf16:
            return (0..<count).map { SafeTensorsDType.float(fromBFloat16Bits: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) }
        }
    }

    /// The shape of the tensor saved under any of `aliases`, or `nil` if absent.
    public func shape(_ aliases: [String]) -> [Int]? {
        resolve(aliases).flatMap { entries[$0]?.shape }
    }

    /// The largest dimension, offset or tensor size in bytes a header may state (2⁴⁸: past any file
    /// that can be mapped, and every product of a checked size by a dtype width stays in `Int`).
    static let maxCount = 1 << 48

    static func parseHeader(_ data: Data, path: String) throws -> (entries: [String: Entry], metadata: [String: String]) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ModelLoadError.badHeader(path: path, detail: "header is not JSON (\(error.localizedDescription))")
        }
        guard let dict = object as? [String: Any] else {
            throw ModelLoadError.badHeader(path: path, detail: "header is not a JSON object")
        }
        /// A non-negative integer of the header (a dimension or an offset), nil for anything else
        /// (a fraction, a negative, a string, a value past `maxCount`).
        func count(_ v: Any) -> Int? {
            guard let d = (v as? NSNumber)?.doubleValue, d >= 0, d <= Double(Self.maxCount), d == d.rounded(.towardZero) else { return nil }
            return Int(d)
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in dict {
            if name == "__metadata__" {
                if let m = value as? [String: String] { metadata = m }
                continue
            }
            guard let t = value as? [String: Any],
                  let dtype = t["dtype"] as? String,
                  let shapeAny = t["shape"] as? [Any],
                  let offsAny = t["data_offsets"] as? [Any], offsAny.count == 2
            else { throw ModelLoadError.badHeader(path: path, detail: "entry \(name) lacks dtype, shape or data_offsets") }
            let shape = try shapeAny.map { v -> Int in
                guard let n = count(v) else { throw ModelLoadError.badHeader(path: path, detail: "entry \(name) has a bad shape") }
                return n
            }
            guard let b = count(offsAny[0]), let e = count(offsAny[1]), e >= b else {
                throw ModelLoadError.badHeader(path: path, detail: "entry \(name) has bad data_offsets")
            }
            guard let width = SafeTensorsDType.byteWidth(of: dtype) else {
                throw ModelLoadError.badHeader(path: path, detail: "entry \(name) has unknown dtype \(dtype)")
            }
            // The product in checked arithmetic: a header may name any shape.
            var expected = width
            for d in shape {
                let (p, overflow) = expected.multipliedReportingOverflow(by: d)
                guard !overflow, p <= Self.maxCount else {
                    throw ModelLoadError.badHeader(path: path, detail: "entry \(name) has a shape of more than \(Self.maxCount) bytes")
                }
                expected = p
            }
            guard e - b == expected else {
                throw ModelLoadError.badHeader(path: path, detail: "entry \(name) spans \(e - b) bytes, its shape needs \(expected)")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, begin: b, end: e)
        }
        return (entries, metadata)
    }
}
