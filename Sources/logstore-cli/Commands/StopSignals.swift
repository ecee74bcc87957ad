import Foundation
import Glibc

/// SIGINT and SIGTERM for a command that writes: instead of killing the process mid-write, a
/// signal is recorded, the command stops at its next safe point (an import after the batch
/// being committed; fork and compact after their one transaction), closes the store (which
/// checkpoints it, so the store file alone is the whole store) and exits.
///
/// `@unchecked Sendable`: `first` is guarded by `lock`.
final class StopSignals: @unchecked Sendable {
    private let queue = DispatchQueue(label: "logstore.signals")
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var first: Int32?

    /// Starts catching SIGINT and SIGTERM; `onSignal` (if any) runs on a private queue for each.
    init(onSignal: (@Sendable (Int32) -> Void)? = nil) {
        for signo in [SIGINT, SIGTERM] {
            Glibc.signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler { [self] in
                lock.withLock { if first == nil { first = signo } }
                onSignal?(signo)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var received: Int32? { lock.withLock { first } }

    /// The exit status of a command that a signal stopped: 128 + its number, as a shell reports it.
    static func exitStatus(_ signo: Int32) -> Int32 { 128 + signo }

    static func name(_ signo: Int32) -> String {
        signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "signal \(signo)"
    }

    deinit {
        for s in sources { s.cancel() }
    }
}
