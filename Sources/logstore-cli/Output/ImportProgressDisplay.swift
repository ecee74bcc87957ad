import Dispatch
import Foundation
import LogStore

/// The progress of `logstore import` on a terminal: one status line, redrawn every 200 ms,
/// with the file being imported, percent of all input bytes, rate and ETA. Bytes done are
/// the finished files plus, for the current replay log, the offset that the importer last
/// committed (as `Importer.onPosition` reports it).
///
/// Never shown when stderr is not a terminal: then `start` does nothing, and `print` writes
/// plain lines.
///
/// `@unchecked Sendable`: every mutable property is touched only on `queue`, and the import
/// (main thread) reaches them only through `queue.sync`.
final class ImportProgressDisplay: @unchecked Sendable {
    private let status: StatusLine
    private let totalBytes: Int64
    private let queue = DispatchQueue(label: "logstore.import.progress")
    private var timer: DispatchSourceTimer?
    private let started = Date()
    /// Bytes of the input behind the import: finished files, and what earlier imports of a
    /// resumed replay log had done.
    private var doneBytes: Int64 = 0
    /// The part of `doneBytes` that earlier imports did, which the rate leaves out.
    private var skippedBytes: Int64 = 0
    private var current: (name: String, resumedAt: Int64, committed: Int64)?

    init(terminal: Terminal, totalBytes: Int64) {
        self.status = StatusLine(terminal: terminal)
        self.totalBytes = totalBytes
    }

    func start() {
        guard status.terminal.isTTY else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(200), repeating: .milliseconds(200))
        timer.setEventHandler { [weak self] in self?.redraw() }
        queue.sync { self.timer = timer }
        timer.resume()
    }

    /// The import moves to `path`.
    func begin(_ path: String) {
        queue.sync { current = (path, 0, 0) }
    }

    /// The importer's report for the current file: where it started, what has committed.
    func position(_ p: Importer.Position) {
        queue.sync {
            guard var c = current else { return }
            if p.committed == p.resumedAt && p.epochs == nil && c.resumedAt != p.resumedAt {
                doneBytes += p.resumedAt - c.resumedAt
                skippedBytes += p.resumedAt - c.resumedAt
                c.resumedAt = p.resumedAt
            }
            c.committed = p.committed
            current = c
        }
    }

    /// The current file is done; it had `bytes` bytes.
    func finish(bytes: Int64) {
        queue.sync {
            doneBytes += max(0, bytes - (current?.resumedAt ?? 0))
            current = nil
        }
    }

    /// Writes a whole line to stderr (a warning), above the status line.
    func print(_ line: String) {
        queue.sync { status.print(line) }
    }

    /// Stops redrawing and removes the status line.
    func stop() {
        queue.sync {
            timer?.cancel()
            timer = nil
            status.clear()
        }
    }

    private func redraw() {
        var bytes = doneBytes
        if let c = current { bytes += max(0, c.committed - c.resumedAt) }
        let elapsed = Date().timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(bytes - skippedBytes) / elapsed : 0
        var text = "importing \(current.map { ($0.name as NSString).lastPathComponent } ?? "")"
        if totalBytes > 0 {
            text += String(format: "  %3.0f%%", 100 * Double(min(bytes, totalBytes)) / Double(totalBytes))
        }
        text += "  \(Format.bytes(Int64(rate)))/s"
        if rate > 0, totalBytes > bytes { text += "  ETA \(Format.duration(Double(totalBytes - bytes) / rate))" }
        status.show(text)
    }
}
