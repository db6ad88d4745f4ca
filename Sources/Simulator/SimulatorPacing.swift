/// How fast the simulator replays the recording.
public enum SimulatorPacing: Sendable, Hashable {
    /// Recorded receive-time gaps divided by `speed` (1 = real time, 10 = ten times faster).
    case recorded(speed: Double)
    /// As fast as the slowest subscribed client reads (a full send queue holds the replay).
    case asFastAsClientsRead
    /// Benchmarks: the k-th market-data frame of the first pass is due at `start + k / rate`,
    /// whatever its recorded time (`MarketSimulator.sendSchedule` shares the schedule with the
    /// receiver; frames that are not market data, such as REST snapshots, are not paced).
    case fixedRate(framesPerSecond: Int)
}
