import CSystemShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One OS thread that runs a libwebsockets service loop, optionally pinned to a core.
///
/// Created and joined by the owner; the body runs exactly once.
final class ServiceThread: @unchecked Sendable {
    // SAFETY: `handle` is written once in `start` before the thread is shared and read only by
    // `join`, which the owner calls once from its own thread.
    private var handle: pthread_t
    private var joined = false

    private final class Start {
        let name: String
        let core: Int?
        let body: () -> Void
        init(name: String, core: Int?, body: @escaping () -> Void) {
            self.name = name
            self.core = core
            self.body = body
        }
    }

    private init(handle: pthread_t) { self.handle = handle }

    /// Starts a thread named `name` (≤ 15 bytes kept), pinned to `core` when given, running `body`.
    /// A failure to pin is not fatal (the core may be outside the allowed set); the thread runs unpinned.
    static func start(name: String, core: Int?, body: @escaping () -> Void) throws(TransportError) -> ServiceThread {
        let start = Unmanaged.passRetained(Start(name: name, core: core, body: body))
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { raw in
            // SAFETY: `raw` is the retained `Start` passed below; released exactly once here.
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            _ = hft_set_thread_name(String(start.name.utf8.prefix(15))!)
            if let core = start.core { _ = hft_pin_current_thread(Int32(core)) }
            start.body()
            return nil
        }, start.toOpaque())
        guard rc == 0 else {
            start.release()
            throw .threadStartFailed(rc)
        }
        return ServiceThread(handle: handle)
    }

    /// Waits for the body to return. Idempotent.
    func join() {
        guard !joined else { return }
        joined = true
        pthread_join(handle, nil)
    }
}
