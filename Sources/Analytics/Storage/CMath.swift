#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Natural logarithm from the C library (no Foundation on the hot path).
@inline(__always) func cLog(_ x: Double) -> Double { log(x) }
/// Exponential from the C library.
@inline(__always) func cExp(_ x: Double) -> Double { exp(x) }
