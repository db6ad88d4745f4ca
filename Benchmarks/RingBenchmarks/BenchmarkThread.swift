import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// A plain pthread pinned to one CPU, for the far side of two-thread benchmarks (kept independent
/// of HFTRuntime's PinnedThread so the rings are measured on their own). Cold path: allocates.
final class BenchmarkThread {
    private let thread: pthread_t

    private final class Start {
        let cpu: Int32
        let body: () -> Void
        init(cpu: Int32, body: @escaping () -> Void) {
            self.cpu = cpu
            self.body = body
        }
    }

    /// Starts `body` on a new thread pinned to `cpu`.
    init(cpu: Int32, _ body: @escaping () -> Void) {
        let start = Unmanaged.passRetained(Start(cpu: cpu, body: body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            // SAFETY: `argument` is the retained Start passed below; taken exactly once.
            let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
            _ = hft_pin_current_thread(start.cpu)
            start.body()
            return nil
        }, start)
        precondition(result == 0, "pthread_create failed: \(result)")
        self.thread = thread
    }

    /// Waits for the body to return.
    func join() {
        pthread_join(thread, nil)
    }
}
