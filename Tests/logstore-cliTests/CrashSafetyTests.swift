import Foundation
import LogStore
import XCTest

/// SIGKILL the importer at random moments: after each kill the store must be intact, every
/// window must hold exactly a prefix of the epochs (whole epochs, in order, none twice), and
/// resuming must end exactly where an uninterrupted import ends.
final class CrashSafetyTests: XCTestCase {
    func makeLog(_ url: URL, windows: Int, appends: Int) throws {
        var text = ""
        for w in 0..<windows {
            text +=
                #"["events", {"data": [{"x": [], "y": [], "name": "a", "type": "scatter"}], "win": "w\#(w)", "eid": "main", "layout": {}, "opts": {}}]"#
                + "\n"
        }
        for i in 0..<appends {
            let w = i % windows
            let k = i / windows
            text +=
                #"["update", {"data": [{"x": [\#(k)], "y": [\#(k * 2)]}], "win": "w\#(w)", "eid": "main", "append": true, "opts": {}, "layout": {}}]"#
                + "\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Starts the built `logstore` with its output discarded; the test kills or waits for it.
    func start(_ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = productsDirectory.appendingPathComponent("logstore")
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func openUnlessEmpty(_ db: String) throws -> LogStore? {
        do {
            return try LogStore(path: db, options: .init(readOnly: true))
        } catch {
            if error == .notAStore(path: db, reason: "empty database") { return nil }
            throw error
        }
    }

    /// Every window holds x = 0..<n and y = 2x: whole epochs, in log order, none twice.
    func assertPrefixes(_ db: String, windows: Int, _ label: String) throws -> Int {
        // Killed while creating the store, its schema transaction never committed: nothing yet.
        guard let store = try openUnlessEmpty(db) else { return 0 }
        var total = 0
        let env = try store.exportEnv("main")
        for w in 0..<windows {
            guard let t = env["jsons"]?["w\(w)"]?["content"]?["data"]?.arrayValue?.first else { continue }
            let x = t["x"]?.arrayValue ?? []
            let y = t["y"]?.arrayValue ?? []
            XCTAssertEqual(x, (0..<x.count).map { .int(Int64($0)) }, "\(label): w\(w) x is not a prefix")
            XCTAssertEqual(y, (0..<x.count).map { .int(Int64($0 * 2)) }, "\(label): w\(w) y does not match x")
            total += x.count
        }
        return total
    }

    func testKillingTheImporterAtRandomMomentsLosesNothingAndDuplicatesNothing() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("train.jsonl")
        // Long enough that 24 kills come before the end: an uninterrupted import of 60,000
        // appends took 3.1 s (debug build) once epochs wrote 3 pages, and a run of kills 20…400 ms
        // apart then finished after 18 of them.
        let windows = 3
        let appends = 120_000
        try makeLog(log, windows: windows, appends: appends)
        let db = dir.appendingPathComponent("crash.db").path
        var rng = SystemRandomNumberGenerator()
        var kills = 0
        var lastCount = 0
        for round in 0..<40 where kills < 24 {
            let p = try start(["--db", db, "import", log.path])
            usleep(UInt32.random(in: 20_000...250_000, using: &rng))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                kills += 1
            }
            p.waitUntilExit()
            guard FileManager.default.fileExists(atPath: db) else { continue }
            let count = try assertPrefixes(db, windows: windows, "after kill \(kills) (round \(round))")
            // A kill before the schema committed leaves an empty file, which `check` rightly refuses.
            if kills % 6 == 1, try openUnlessEmpty(db) != nil {
                XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n", "after kill \(kills)")
            }
            XCTAssertGreaterThanOrEqual(count, lastCount, "committed points went missing")
            lastCount = count
            if count == appends { break }
        }
        XCTAssertGreaterThanOrEqual(kills, 20, "the import finished before enough kills; make the log longer")
        let finish = try logstore(["--db", db, "import", log.path])
        XCTAssertEqual(finish.status, 0, finish.stderr)
        XCTAssertEqual(try assertPrefixes(db, windows: windows, "after resuming"), appends)
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")

        let clean = dir.appendingPathComponent("clean.db").path
        XCTAssertEqual(try logstore(["--db", clean, "import", log.path]).status, 0)
        let a = try LogStore(path: db, options: .init(readOnly: true))
        let b = try LogStore(path: clean, options: .init(readOnly: true))
        XCTAssertEqual(try a.lastEpoch, try b.lastEpoch, "every line became exactly one epoch")
        XCTAssertEqual(JSONWriter.bytes(try a.exportEnv("main")), JSONWriter.bytes(try b.exportEnv("main")))
    }

    /// `follow` on a log that grows while it runs, killed and restarted 20 times: every line
    /// ends up imported exactly once.
    func testKillingFollowAtRandomMomentsImportsEveryLineExactlyOnce() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("live.jsonl")
        let full = dir.appendingPathComponent("full.jsonl")
        let windows = 2
        let appends = 6000
        try makeLog(full, windows: windows, appends: appends)
        let lines = try String(contentsOf: full, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil))
        let db = dir.appendingPathComponent("follow.db").path
        let writer = try FileHandle(forWritingTo: log)
        var written = 0
        var rng = SystemRandomNumberGenerator()
        for kill in 0..<20 {
            let p = try start(["--db", db, "follow", log.path])
            // the training run writes a burst, sometimes cut mid-line
            let burst = Int.random(in: 50...400, using: &rng)
            // at least 100 lines are left for the last follow to catch up on
            let last = lines.count - 100
            let end = min(last, written + burst)
            var chunk = end > written ? lines[written..<end].joined(separator: "\n") + "\n" : ""
            let cut = kill % 3 == 0 && end < last
            if cut { chunk += String(lines[end].prefix(17)) }
            writer.write(Data(chunk.utf8))
            written = end
            usleep(UInt32.random(in: 50_000...350_000, using: &rng))
            Glibc.kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            if cut {
                writer.write(Data(String(lines[end].dropFirst(17) + "\n").utf8))
                written = end + 1
            }
            if FileManager.default.fileExists(atPath: db) {
                _ = try assertPrefixes(db, windows: windows, "follow, after kill \(kill)")
            }
        }
        writer.write(Data((lines[written...].joined(separator: "\n")).utf8))
        try writer.close()
        // A last follow catches up and stops on SIGTERM. (Had the killed ones imported every
        // line, the SIGTERM could reach it before its main function runs: a kill, not a stop.)
        let p = try start(["--db", db, "follow", log.path])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, (try? assertPrefixes(db, windows: windows, "catching up")) != appends {
            usleep(200_000)
        }
        p.terminate()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(try assertPrefixes(db, windows: windows, "follow, at the end"), appends)
        XCTAssertEqual(try LogStore(path: db, options: .init(readOnly: true)).lastEpoch, Int64(windows + appends))
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
    }

    /// Switching a new store to WAL commits in rollback-journal mode: killed then, the creator
    /// leaves a hot `-journal`, which a read-only connection cannot roll back
    /// (`SQLITE_READONLY_ROLLBACK`). A reader on writable storage rolls it back and sees what
    /// was committed (no store yet), and it never reports the store read-only.
    func testAReaderAfterACreatorKilledMidJournalSeesTheCommittedStateNotReadOnly() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("run.jsonl")
        try makeLog(log, windows: 1, appends: 20)
        let fm = FileManager.default
        var reached = 0
        for attempt in 0..<200 where reached < 3 {
            let db = dir.appendingPathComponent("s\(attempt).db").path
            let p = try start(["--db", db, "import", log.path])
            // Spin until the creator is inside a journaled write of the store file, then kill it.
            func inJournaledWrite() -> Bool {
                fm.fileExists(atPath: db + "-journal")
                    && ((try? fm.attributesOfItem(atPath: db)[.size] as? NSNumber)?.intValue ?? 0) > 0
            }
            while p.isRunning && !inJournaledWrite() {}
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            guard inJournaledWrite() else { continue }  // too late: try again
            reached += 1
            let export = try logstore(["--db", db, "export", "--env", "main"])
            XCTAssertFalse(export.stderr.contains("read-only"), "attempt \(attempt): \(export.stderr)")
            XCTAssertTrue(
                export.stderr.contains("empty database"),
                "attempt \(attempt): the creation never committed: \(export.stderr)")
            XCTAssertNil(try openUnlessEmpty(db), "attempt \(attempt)")
            XCTAssertEqual(try logstore(["--db", db, "import", log.path]).status, 0)
            XCTAssertEqual(try assertPrefixes(db, windows: 1, "attempt \(attempt), imported again"), 20)
        }
        XCTAssertEqual(reached, 3, "never killed the creator inside its journaled write")
    }
}
