/// The order requests of the Binance USD-M API the simulator implements.
enum OrderAction: Sendable {
    case place, cancel, status
}
