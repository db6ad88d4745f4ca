/// A fault scheduled before the frame with index `atFrame` of the recording is served.
public struct ScheduledFault: Sendable, Hashable {
    public var atFrame: Int
    public var fault: SimulatorFault
    public init(atFrame: Int, fault: SimulatorFault) {
        self.atFrame = atFrame
        self.fault = fault
    }

    /// Parses `KIND[:ARG]@FRAME`, e.g. `gap:3@500`.
    public init?(spec: String) {
        guard let at = spec.lastIndex(of: "@"), let frame = Int(spec[spec.index(after: at)...]), frame >= 0,
              let fault = SimulatorFault(spec: String(spec[..<at])) else { return nil }
        self.init(atFrame: frame, fault: fault)
    }
}
