/// One trade remembered by the trade window.
struct TradeSample: BitwiseCopyable {
    var time: Int64
    /// s·v for trades counted in TFI (0 for block and non-market trades).
    var signed: Int64
    /// v for trades counted in TFI, else 0.
    var included: Int64
    /// v for market (aggressive) trades, else 0.
    var aggressive: Int64
    /// v for every trade (VWAP).
    var quantity: Int64
    /// price × quantity in raw units (VWAP numerator).
    var notional: Int128
}
