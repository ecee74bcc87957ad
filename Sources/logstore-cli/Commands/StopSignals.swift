import Foundation
import Glibc

/// SIGINT and SIGTERM for a command that writes: instead of killing the process mid-write, a
/// signal is recorded, the command stops at its next safe point (an import after the batch
/// being committed; fork and compact after their one transaction), closes the store (which
/// checkpoints it, so the store file alone is the whole store) and exits.
///
/// Create it before opening the store: a signal that arrives while the store opens is a stop
/// request too, not a kill.
///
/// `@unchecked Sendable`: `first` and `handler` are guarded by `lock`.
final class StopSignals: @unchecked Sendable {
    private let queue = DispatchQueue(label: "logstore.signals")
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var first: Int32?
    private var handler: (@Sendable (Int32) -> Void)?

    /// Starts catching SIGINT and SIGTERM.
    init() {
        for signo in [SIGINT, SIGTERM] {
            Glibc.signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler { [self] in
                let handler = lock.withLock {
                    if first == nil { first = signo }
                    return self.handler
                }
                handler?(signo)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var received: Int32? { lock.withLock { first } }

    /// Runs `handler` on a private queue for each signal from now on, and once at once for the
    /// first signal if one was received before.
    func onSignal(_ handler: @escaping @Sendable (Int32) -> Void) {
        let earlier = lock.withLock {
            self.handler = handler
            return first
        }
        if let earlier { queue.async { handler(earlier) } }
    }

    /// The exit status of a command that a signal stopped: 128 + its number, as a shell reports it.
    static func exitStatus(_ signo: Int32) -> Int32 { 128 + signo }

    static func name(_ signo: Int32) -> String {
        signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "signal \(signo)"
    }

    deinit {
        for s in sources { s.cancel() }
    }
}
