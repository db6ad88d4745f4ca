import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// A plain pthread pinned to one CPU for the ring stress tests (independent of HFTRuntime's
/// PinnedThread, so the rings are tested on their own).
final class RingTestThread {
    private let thread: pthread_t

    private final class Start {
        let cpu: Int32
        let body: () -> Void
        init(cpu: Int32, body: @escaping () -> Void) {
            self.cpu = cpu
            self.body = body
        }
    }

    /// CPUs for the two sides of a stress test: 0 and 1 when both are allowed, else the same one.
    static let cpus: (Int32, Int32) = {
        let second: Int32 = hft_cpu_count() > 1 && hft_cpu_is_allowed(1) ? 1 : 0
        return (0, second)
    }()

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

/// Spin-wait politely: pause, and yield the core every 256 failed polls so a loaded machine
/// (or both threads on one CPU) still makes progress.
@inline(__always)
func ringTestBackoff(_ spins: inout Int) {
    spins &+= 1
    if spins & 255 == 0 { sched_yield() } else { hft_cpu_relax() }
}
