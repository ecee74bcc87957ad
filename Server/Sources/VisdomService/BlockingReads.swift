import Dispatch

/// Runs the store's reads, which block their thread for as long as SQLite works, off the Swift
/// concurrency pool (on this 2-core machine it has two threads; one export of a large window
/// must not stall every other request).
struct BlockingReads: Sendable {
    private let queue = DispatchQueue(label: "logstore.server.reads", attributes: .concurrent)

    func run<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { k in
            queue.async { k.resume(with: Result { try body() }) }
        }
    }
}
