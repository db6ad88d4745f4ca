import Testing
@testable import Inference

@Suite struct NpyArrayTests {
    @Test func roundTripsFloatsAndInts() throws {
        let a = NpyArray(floats: [1, -2.5, 3e-8, .infinity, 0, 7], shape: [2, 3])
        let b = try NpyArray(bytes: a.serialized())
        #expect(b == a)
        #expect(b.floats == [1, -2.5, 3e-8, .infinity, 0, 7])
        #expect(a.serialized().count % 64 == 16 + 8 || a.serialized().count == 64 + 24)
        let i = NpyArray(int64s: [3, -1], shape: [2])
        #expect(try NpyArray(bytes: i.serialized()).int64s == [3, -1])
    }

    @Test func refusesTruncatedAndForeignFiles() throws {
        let a = NpyArray(floats: [1, 2, 3, 4], shape: [4]).serialized()
        #expect(throws: NpyArray.Error.truncated(expected: 16, actual: 12)) { try NpyArray(bytes: Array(a.dropLast(4))) }
        #expect(throws: NpyArray.Error.self) { try NpyArray(bytes: Array("hello world!".utf8)) }
    }
}
