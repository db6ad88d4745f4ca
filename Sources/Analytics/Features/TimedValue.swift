/// One timestamped sample of a time-clock window (`time` in ns of the engine clock).
struct TimedValue: BitwiseCopyable {
    var time: Int64
    var value: Int64
}
