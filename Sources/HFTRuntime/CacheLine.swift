/// The cache-line size every padded layout in the runtime assumes (x86-64 and most AArch64 parts).
/// Adjacent-line prefetch pairs lines into 128 bytes on Intel, so hot indices written by
/// different cores sit `CacheLine.padding` apart.
public enum CacheLine {
    /// Bytes per cache line.
    public static let size = 64
    /// Distance between fields written by different cores (two lines, against the adjacent-line prefetcher).
    public static let padding = 128
}
