#if canImport(Glibc)
import Glibc
#endif

/// A value behind a `pthread_mutex_t`. Used instead of `Synchronization.Mutex` where other threads
/// hand work to a service thread, because ThreadSanitizer understands pthread mutexes (it does not
/// see the futex inside `Mutex` on Linux and reports its critical sections as races).
final class PThreadLocked<Value>: @unchecked Sendable {
    // SAFETY: `value` is only accessed inside `withLock`, which holds `mutex`.
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value. Do not call re-entrantly.
    @inline(__always)
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
