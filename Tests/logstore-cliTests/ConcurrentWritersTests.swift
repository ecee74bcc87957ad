import Foundation
import XCTest

/// Two `logstore import` processes started together on a store that does not exist yet: one
/// creates it, the other finds it created (no "table epoch already exists"), both import
/// everything, and each summary counts only what its own process wrote.
final class ConcurrentWritersTests: XCTestCase {

    func testTwoImportsCreatingOneStoreAtOnceBothSucceedAndCountOnlyTheirOwnWrites() throws {
        // The race is a matter of microseconds: try it several times, each on a new store.
        for attempt in 1...8 {
            let dir = try temporaryDirectory(self)
            let db = dir.appendingPathComponent("s.db").path
            // two runs of 300 points each, in their own envs; the second run's messages are
            // larger, so the two imports overlap for longer
            let a = try writeLines(
                [Lines.create(env: "a")] + (1...299).map { Lines.append($0, env: "a") }, to: "a.jsonl", in: dir)
            let b = try writeLines(
                [Lines.create(env: "b")] + (1...299).map { Lines.append($0, env: "b") }, to: "b.jsonl", in: dir)
            let first = try RunningLogstore(["--db", db, "import", a], in: dir)
            let second = try RunningLogstore(["--db", db, "import", b], in: dir)
            for run in [first, second] { run.process.waitUntilExit() }
            for run in [first, second] {
                let (status, output) = try run.stop()
                let stderr = normalizingSeconds(output)
                XCTAssertEqual(status, 0, "attempt \(attempt): \(stderr)")
                XCTAssertEqual(
                    stderr, "imported 300 messages, 300 points, 1 env (0 refused, 0 failed, 0 skipped) in T s\n",
                    "attempt \(attempt)")
            }
            let ls = try logstore(["--db", db, "ls", "--json"])
            XCTAssertEqual(ls.status, 0, ls.stderr)
            for env in ["a", "b"] {
                let line = ls.stdout.split(separator: "\n").first { $0.contains(#""env": "\#(env)""#) }
                XCTAssertTrue(line?.contains(#""points": 300"#) ?? false, "attempt \(attempt): \(ls.stdout)")
            }
            XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
        }
    }
}
