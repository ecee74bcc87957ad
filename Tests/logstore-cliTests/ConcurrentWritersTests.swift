import Foundation
import XCTest

/// Two `logstore import` processes started together on a store that does not exist yet: one
/// creates it, the other finds it created (no "table epoch already exists"), both import
/// everything, and each summary counts only what its own process wrote.
final class ConcurrentWritersTests: XCTestCase {
    /// Starts `logstore` without waiting; its stderr goes to a file.
    func start(_ arguments: [String], in dir: URL) throws -> (Process, URL) {
        let err = dir.appendingPathComponent("\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = productsDirectory.appendingPathComponent("logstore")
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["LOGSTORE_DB"] = nil
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        return (p, err)
    }

    func testTwoImportsCreatingOneStoreAtOnceBothSucceedAndCountOnlyTheirOwnWrites() throws {
        // The race is a matter of microseconds: try it several times, each on a new store.
        for attempt in 1...8 {
            let dir = try temporaryDirectory(self)
            let db = dir.appendingPathComponent("s.db").path
            // two runs of 300 points each, in their own envs; the second run's messages are
            // larger, so the two imports overlap for longer
            let a = try writeLines([Lines.create(env: "a")] + (1...299).map { Lines.append($0, env: "a") }, to: "a.jsonl", in: dir)
            let b = try writeLines([Lines.create(env: "b")] + (1...299).map { Lines.append($0, env: "b") }, to: "b.jsonl", in: dir)
            let first = try start(["--db", db, "import", a], in: dir)
            let second = try start(["--db", db, "import", b], in: dir)
            for (p, _) in [first, second] { p.waitUntilExit() }
            for (p, err) in [first, second] {
                let stderr = normalizingSeconds(String(decoding: try Data(contentsOf: err), as: UTF8.self))
                XCTAssertEqual(p.terminationStatus, 0, "attempt \(attempt): \(stderr)")
                XCTAssertEqual(stderr, "imported 300 messages, 300 points, 1 env (0 refused, 0 failed, 0 skipped) in T s\n", "attempt \(attempt)")
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
