import HFTPrimitives
import MarketData

/// One journal record: a fixed 80-byte little-endian frame with a CRC32C over bytes 4..<80.
///
/// ```
///  0 crc32c u32   4 magic u16 "JR"  6 kind u8  7 version u8
///  8 sequence u64            16 clientOrderId u64      24 time i64
/// 32 a i64 (price | venue order id | code)   40 b i64 (quantity | filled)   48 c i64 (fee | tick time)
/// 56 instrument u32  60 tag u32  64 strategy u16  66 side  67 order kind  68 tif  69 flags  70 status  71 0
/// 72 createdAt i64
/// ```
/// Fixed size makes a torn tail obvious (a short or CRC-failing last frame) and keeps appends to
/// one `write` of 80 bytes.
@frozen
public struct JournalRecord: BitwiseCopyable, Sendable, Equatable {
    public static let size = 80
    public static let magic: UInt16 = 0x524A
    public static let version: UInt8 = 1

    public var kind: JournalRecordKind
    /// Position in the journal, from 1, gap-free.
    public var sequence: UInt64
    public var clientOrderId: ClientOrderId
    /// When the record was written (the order manager's clock).
    public var time: Nanos
    public var a: Int64
    public var b: Int64
    public var c: Int64
    public var instrument: InstrumentId
    public var tag: UInt32
    public var strategy: StrategyId
    public var side: Side
    public var orderKind: OrderKind
    public var timeInForce: TimeInForce
    /// Bit 0: reduce-only (intent); bit 1: maker (fill).
    public var flags: UInt8
    public var status: OrderStatus
    public var createdAt: Nanos

    @inlinable
    public init(kind: JournalRecordKind, clientOrderId: ClientOrderId, time: Nanos) {
        self.kind = kind
        self.sequence = 0
        self.clientOrderId = clientOrderId
        self.time = time
        self.a = 0
        self.b = 0
        self.c = 0
        self.instrument = InstrumentId(raw: 0)
        self.tag = 0
        self.strategy = StrategyId(raw: 0)
        self.side = .buy
        self.orderKind = .limit
        self.timeInForce = .gtc
        self.flags = 0
        self.status = .new
        self.createdAt = .zero
    }

    /// The record of an accepted intent (its `clientOrderId` already assigned).
    @inlinable
    public init(intent: Intent, time: Nanos) {
        self.init(kind: .intent, clientOrderId: intent.clientOrderId, time: time)
        a = intent.price.raw
        b = intent.quantity.raw
        c = intent.tickReceiveTime.raw
        instrument = intent.instrument
        tag = intent.tag
        strategy = intent.strategy
        side = intent.side
        orderKind = intent.kind
        timeInForce = intent.timeInForce
        flags = intent.reduceOnly ? 1 : 0
        createdAt = intent.createdAt
    }

    /// The record of an order event for `clientOrderId`; `order` supplies the side and instrument
    /// so every record is self-describing.
    @inlinable
    public init(event: OrderEvent, order: Order, time: Nanos) {
        let kind: JournalRecordKind
        switch event {
        case .sent: kind = .sent
        case .acked: kind = .ack
        case .rejected: kind = .reject
        case .fill: kind = .fill
        case .cancelRequested: kind = .cancelRequest
        case .canceled: kind = .cancel
        case .outcomeUnknown: kind = .outcomeUnknown
        case .reconciled: kind = .reconciled
        }
        self.init(kind: kind, clientOrderId: order.clientOrderId, time: time)
        instrument = order.instrument
        strategy = order.strategy
        side = order.side
        orderKind = order.kind
        timeInForce = order.timeInForce
        tag = order.tag
        switch event {
        case .acked(let id): a = Int64(bitPattern: id.raw)
        case .rejected(let code): a = Int64(code)
        case .fill(let price, let quantity, let fee, let isMaker):
            a = price.raw
            b = quantity.raw
            c = fee
            flags = isMaker ? 2 : 0
        case .reconciled(let s, let filled):
            status = s
            b = filled.raw
        case .sent, .cancelRequested, .canceled, .outcomeUnknown: break
        }
    }

    /// The intent an `.intent` record holds (with its client order id).
    public var intent: Intent {
        var i = Intent(instrument: instrument, strategy: strategy, side: side, kind: orderKind, timeInForce: timeInForce,
                       reduceOnly: flags & 1 != 0, price: Price(raw: a), quantity: Quantity(raw: b), tag: tag,
                       tickReceiveTime: Nanos(raw: c), createdAt: createdAt)
        i.clientOrderId = clientOrderId
        return i
    }

    /// The order event an event record holds (`nil` for `.intent`).
    public var event: OrderEvent? {
        switch kind {
        case .intent: return nil
        case .sent: return .sent
        case .ack: return .acked(VenueOrderId(raw: UInt64(bitPattern: a)))
        case .reject: return .rejected(code: Int32(truncatingIfNeeded: a))
        case .fill: return .fill(price: Price(raw: a), quantity: Quantity(raw: b), fee: c, isMaker: flags & 2 != 0)
        case .cancelRequest: return .cancelRequested
        case .cancel: return .canceled
        case .outcomeUnknown: return .outcomeUnknown
        case .reconciled: return .reconciled(status: status, filled: Quantity(raw: b))
        }
    }

    /// Writes the 80-byte frame (CRC included) at `out`.
    /// - Precondition: `out` has at least `JournalRecord.size` writable bytes.
    public func encode(into out: UnsafeMutableRawPointer) {
        // SAFETY: every store stays inside the 80 bytes the caller guarantees; unaligned stores.
        out.storeBytes(of: Self.magic.littleEndian, toByteOffset: 4, as: UInt16.self)
        out.storeBytes(of: kind.rawValue, toByteOffset: 6, as: UInt8.self)
        out.storeBytes(of: Self.version, toByteOffset: 7, as: UInt8.self)
        out.storeBytes(of: sequence.littleEndian, toByteOffset: 8, as: UInt64.self)
        out.storeBytes(of: clientOrderId.raw.littleEndian, toByteOffset: 16, as: UInt64.self)
        out.storeBytes(of: time.raw.littleEndian, toByteOffset: 24, as: Int64.self)
        out.storeBytes(of: a.littleEndian, toByteOffset: 32, as: Int64.self)
        out.storeBytes(of: b.littleEndian, toByteOffset: 40, as: Int64.self)
        out.storeBytes(of: c.littleEndian, toByteOffset: 48, as: Int64.self)
        out.storeBytes(of: instrument.raw.littleEndian, toByteOffset: 56, as: UInt32.self)
        out.storeBytes(of: tag.littleEndian, toByteOffset: 60, as: UInt32.self)
        out.storeBytes(of: strategy.raw.littleEndian, toByteOffset: 64, as: UInt16.self)
        out.storeBytes(of: side == .buy ? UInt8(0) : UInt8(1), toByteOffset: 66, as: UInt8.self)
        out.storeBytes(of: orderKind.rawValue, toByteOffset: 67, as: UInt8.self)
        out.storeBytes(of: timeInForce.rawValue, toByteOffset: 68, as: UInt8.self)
        out.storeBytes(of: flags, toByteOffset: 69, as: UInt8.self)
        out.storeBytes(of: status.rawValue, toByteOffset: 70, as: UInt8.self)
        out.storeBytes(of: UInt8(0), toByteOffset: 71, as: UInt8.self)
        out.storeBytes(of: createdAt.raw.littleEndian, toByteOffset: 72, as: Int64.self)
        let crc = CRC32C.checksum(UnsafeRawBufferPointer(start: out + 4, count: Self.size - 4))
        out.storeBytes(of: crc.littleEndian, toByteOffset: 0, as: UInt32.self)
    }

    /// Decodes one frame; `nil` when the CRC, magic, version or an enum byte is wrong.
    /// - Precondition: `bytes` has at least `JournalRecord.size` readable bytes.
    public static func decode(_ bytes: UnsafeRawPointer) -> JournalRecord? {
        // SAFETY: every load stays inside the 80 bytes the caller guarantees; unaligned loads.
        let crc = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        guard crc == CRC32C.checksum(UnsafeRawBufferPointer(start: bytes + 4, count: size - 4)) else { return nil }
        guard UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self)) == magic,
              bytes.load(fromByteOffset: 7, as: UInt8.self) == version,
              let kind = JournalRecordKind(rawValue: bytes.load(fromByteOffset: 6, as: UInt8.self)),
              let orderKind = OrderKind(rawValue: bytes.load(fromByteOffset: 67, as: UInt8.self)),
              let tif = TimeInForce(rawValue: bytes.load(fromByteOffset: 68, as: UInt8.self)),
              let status = OrderStatus(rawValue: bytes.load(fromByteOffset: 70, as: UInt8.self)) else { return nil }
        func i64(_ o: Int) -> Int64 { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: Int64.self)) }
        var r = JournalRecord(kind: kind, clientOrderId: ClientOrderId(raw: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))),
                              time: Nanos(raw: i64(24)))
        r.sequence = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        r.a = i64(32)
        r.b = i64(40)
        r.c = i64(48)
        r.instrument = InstrumentId(raw: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 56, as: UInt32.self)))
        r.tag = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 60, as: UInt32.self))
        r.strategy = StrategyId(raw: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 64, as: UInt16.self)))
        r.side = bytes.load(fromByteOffset: 66, as: UInt8.self) == 0 ? .buy : .sell
        r.orderKind = orderKind
        r.timeInForce = tif
        r.flags = bytes.load(fromByteOffset: 69, as: UInt8.self)
        r.status = status
        r.createdAt = Nanos(raw: i64(72))
        return r
    }
}
