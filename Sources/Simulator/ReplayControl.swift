/// Replay control shared between the replay thread and the API.
struct ReplayControl: Sendable {
    var stopRequested = false
    var pendingFaults: [SimulatorFault] = []
    var held = false
    var stepBudget = 0
    var position = 0
    var finished = false
}
