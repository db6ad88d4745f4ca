/// `floor(x / divisor)` for a fixed positive divisor that remembers the range of dividends sharing
/// the last quotient, so that a value that stays in its bin (a trade price, the mid, the clock
/// within its session, the spread) costs two compares instead of a 64-bit division. A dependent
/// 64-bit `idiv` takes 40–44 TSC ticks on machine B, twice a double division with a multiply and
/// an add (`Benchmarks/InstructionCounts/idiv-latency.c`); the feature engine ran 5.2 per event
/// before these (`make instructions`).
///
/// Invariant: `low...high` (empty when `low > high`) are exactly the dividends whose floor
/// quotient is `quotient`.
/// - Complexity: O(1); a division only when `x` is neither in the remembered range nor in the one
///   next to it.
struct FloorDivider: BitwiseCopyable {
    let divisor: Int64
    private var low: Int64 = 1
    private var high: Int64 = 0
    private var quotient: Int64 = 0

    /// - Precondition: `divisor >= 1`.
    init(divisor: Int64) {
        precondition(divisor >= 1, "divisor must be positive")
        self.divisor = divisor
    }

    /// `floor(x / divisor)`, exactly, for every `Int64` `x`.
    @inline(__always)
    mutating func callAsFunction(_ x: Int64) -> Int64 {
        if x >= low, x <= high { return quotient }
        // The next range up or down (a price one bin away): a step, not a division.
        if x > high, low <= high, high < Int64.max &- divisor, x <= high &+ divisor {
            low = high &+ 1
            high &+= divisor
            quotient &+= 1
            return quotient
        }
        if x < low, low <= high, low > Int64.min &+ divisor, x >= low &- divisor {
            high = low &- 1
            low &-= divisor
            quotient &-= 1
            return quotient
        }
        return divide(x)
    }

    private mutating func divide(_ x: Int64) -> Int64 {
        let q = x / divisor
        let f = x % divisor != 0 && x < 0 ? q &- 1 : q
        quotient = f
        // The range is f·d ... f·d + d − 1, clamped at Int64.max; not remembered when f·d < Int64.min.
        let (start, below) = f.multipliedReportingOverflow(by: divisor)
        if below {
            low = 1
            high = 0
        } else {
            let (end, above) = start.addingReportingOverflow(divisor &- 1)
            low = start
            high = above ? .max : end
        }
        return f
    }
}
