import CSystemShims
import HFTPrimitives
import Synchronization
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// Polls `condition` every 5 ms until it holds or `seconds` pass.
func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = hft_monotonic_ns() + Int64(seconds * 1e9)
    while hft_monotonic_ns() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

/// A message as the test sink saw it.
struct ReceivedMessage: Sendable, Equatable {
    var bytes: [UInt8]
    var receiveTime: Nanos
    var connection: UInt32
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Shared state behind `RecordingSink` (tests may allocate; the sink is not the subject under test).
final class Recorder: Sendable {
    let messages = Mutex<[ReceivedMessage]>([])
    /// Refuse this many delivery attempts out of every `refusalPeriod` (back-pressure tests).
    let refusals = Mutex<(period: Int, refuse: Int, attempts: Int)>((0, 0, 0))

    var count: Int { messages.withLock { $0.count } }
    var texts: [String] { messages.withLock { $0.map(\.text) } }
    var all: [ReceivedMessage] { messages.withLock { $0 } }
}

/// A test sink recording every message (copying it), optionally refusing some attempts.
struct RecordingSink: WebSocketMessageSink {
    let recorder: Recorder

    mutating func deliver(bytes: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt32) -> Bool {
        let refuse = recorder.refusals.withLock { r -> Bool in
            guard r.period > 0 else { return false }
            r.attempts += 1
            return r.attempts % r.period < r.refuse
        }
        if refuse { return false }
        let copy = Array(bytes)
        recorder.messages.withLock { $0.append(ReceivedMessage(bytes: copy, receiveTime: receiveTime, connection: connection)) }
        return true
    }
}

/// Collects connection events.
final class EventLog: Sendable {
    let events = Mutex<[ConnectionEvent]>([])
    var all: [ConnectionEvent] { events.withLock { $0 } }
    func record(_ event: ConnectionEvent) { events.withLock { $0.append(event) } }
    func count(_ predicate: (ConnectionEvent) -> Bool) -> Int { all.filter(predicate).count }
}

/// The server side of the tests: one feed route recording what clients send and which
/// connections are open; an HTTP echo route.
final class FeedServerState: Sendable {
    let open = Mutex<[ServerConnectionId]>([])
    let heads = Mutex<[WebSocketRequestHead]>([])
    let received = Mutex<[String]>([])
    let closed = Mutex<Int>(0)

    var openIds: [ServerConnectionId] { open.withLock { $0 } }
    var receivedTexts: [String] { received.withLock { $0 } }

    func route(prefix: String = "/") -> WebSocketRoute {
        WebSocketRoute(pathPrefix: prefix, onOpen: { _, id, head in
            self.open.withLock { $0.append(id) }
            self.heads.withLock { $0.append(head) }
            return true
        }, onMessage: { _, _, bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            self.received.withLock { $0.append(text) }
        }, onClose: { _, id in
            self.open.withLock { $0.removeAll { $0 == id } }
            self.closed.withLock { $0 += 1 }
        })
    }
}

func loopbackURL(_ scheme: TransportURL.Scheme, port: Int, path: String = "/") -> TransportURL {
    TransportURL(scheme: scheme, host: "127.0.0.1", port: port, pathAndQuery: path)
}
