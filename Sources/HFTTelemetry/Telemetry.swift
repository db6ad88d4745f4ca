import HFTPrimitives

/// Namespace of the telemetry module: hop histograms, counters and reports.
public enum Telemetry {}
