import Foundation

/// A NumPy `.npy` array (format versions 1–3), C order, little-endian `float32`, `float64`, `int64` or
/// `int32`. Cold path: `hft model eval` and the parity tests read inputs and write outputs with it.
public struct NpyArray: Sendable, Equatable {
    /// Element types read and written.
    public enum DType: String, Sendable {
        case float32 = "<f4", float64 = "<f8", int64 = "<i8", int32 = "<i4"
        var width: Int { self == .float32 || self == .int32 ? 4 : 8 }
    }

    /// Why an `.npy` file was refused.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// Not an `.npy` file, or a header this reader does not understand.
        case badHeader(String)
        /// `descr` other than `<f4`, `<f8`, `<i8`, `<i4`, or Fortran order.
        case unsupported(String)
        /// Fewer data bytes than the shape needs.
        case truncated(expected: Int, actual: Int)

        public var description: String {
            switch self {
            case let .badHeader(d): return "bad .npy header: \(d)"
            case let .unsupported(d): return "unsupported .npy array: \(d)"
            case let .truncated(e, a): return ".npy data has \(a) bytes, the shape needs \(e)"
            }
        }
    }

    public var shape: [Int]
    public var dtype: DType
    /// The raw little-endian element bytes.
    public var data: [UInt8]

    /// Element count (product of the shape; 1 for a scalar).
    public var count: Int { shape.reduce(1, *) }

    public init(floats: [Float], shape: [Int]) {
        precondition(floats.count == shape.reduce(1, *))
        self.shape = shape
        dtype = .float32
        data = floats.withUnsafeBytes { Array($0) }
    }

    public init(int64s: [Int64], shape: [Int]) {
        precondition(int64s.count == shape.reduce(1, *))
        self.shape = shape
        dtype = .int64
        data = int64s.withUnsafeBytes { Array($0) }
    }

    /// The elements converted to `Float` (float64 rounded, integers converted).
    public var floats: [Float] {
        data.withUnsafeBytes { raw in
            (0..<count).map { i -> Float in
                switch dtype {
                case .float32: return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                case .float64: return Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                case .int64: return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                case .int32: return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                }
            }
        }
    }

    /// The elements as `Int64` (only for integer arrays).
    public var int64s: [Int64]? {
        guard dtype == .int64 || dtype == .int32 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<count).map { i in
                dtype == .int64 ? Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
                    : Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
            }
        }
    }

    /// Parses `.npy` bytes.
    public init(bytes: [UInt8]) throws {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw Error.badHeader("missing \\x93NUMPY magic") }
        let major = bytes[6]
        let headerLen: Int, start: Int
        switch major {
        case 1:
            headerLen = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw Error.badHeader("short version \(major) preamble") }
            headerLen = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        default: throw Error.badHeader("format version \(major)")
        }
        guard bytes.count >= start + headerLen, let header = String(bytes: bytes[start..<(start + headerLen)], encoding: .utf8) else {
            throw Error.badHeader("header longer than the file")
        }
        func field(_ key: String) throws -> Substring {
            guard let r = header.range(of: "'\(key)':") else { throw Error.badHeader("no \(key) in \(header)") }
            return header[r.upperBound...].drop { $0 == " " }
        }
        let descrField = try field("descr")
        guard descrField.first == "'", let close = descrField.dropFirst().firstIndex(of: "'") else { throw Error.badHeader("descr") }
        let descr = String(descrField[descrField.index(after: descrField.startIndex)..<close])
        let normalized = descr.hasPrefix("=") ? "<" + descr.dropFirst() : descr
        guard let dtype = DType(rawValue: normalized) else { throw Error.unsupported("dtype \(descr)") }
        guard try field("fortran_order").hasPrefix("False") else { throw Error.unsupported("Fortran order") }
        let shapeField = try field("shape")
        guard shapeField.first == "(", let end = shapeField.firstIndex(of: ")") else { throw Error.badHeader("shape") }
        let dims = shapeField[shapeField.index(after: shapeField.startIndex)..<end].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = try dims.map { s -> Int in
            guard let n = Int(s), n >= 0 else { throw Error.badHeader("shape entry \(s)") }
            return n
        }
        let needed = shape.reduce(1, *) * dtype.width
        let available = bytes.count - start - headerLen
        guard available >= needed else { throw Error.truncated(expected: needed, actual: available) }
        self.shape = shape
        self.dtype = dtype
        data = Array(bytes[(start + headerLen)..<(start + headerLen + needed)])
    }

    /// Reads an `.npy` file.
    public init(contentsOf path: String) throws {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw ModelLoadError.fileUnreadable(path: path, errno: ENOENT)
        }
        try self.init(bytes: [UInt8](d))
    }

    /// The `.npy` version 1.0 bytes (header padded so the data starts on a 64-byte boundary, as numpy does).
    public func serialized() -> [UInt8] {
        let dims = shape.map(String.init).joined(separator: ", ")
        let shapeText = shape.count == 1 ? "(\(dims),)" : "(\(dims))"
        var header = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        let n = header.utf8.count
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(n & 0xff), UInt8(n >> 8)]
        out += Array(header.utf8)
        out += data
        return out
    }

    /// Writes the array to `path`.
    public func write(to path: String) throws {
        try Data(serialized()).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
