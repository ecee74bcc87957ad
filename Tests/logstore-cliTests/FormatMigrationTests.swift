import Foundation
import XCTest

@testable import LogStore

/// Stores written in older format versions (`Tests/Fixtures/format-vN`, each made by the last
/// build of version N): read-only commands read them as they are, the first writable open
/// upgrades them, and both print exactly what the version-N build printed for them. The
/// tests themselves are in `FormatVersion1Tests` … `FormatVersion7Tests`, one class per version.
class FormatMigrationTests: XCTestCase {
    /// The format version of the fixture; set by each subclass.
    var version: Int { 0 }
    var fixture: URL { repositoryRoot.appendingPathComponent("Tests/Fixtures/format-v\(version)") }
    var dir: URL!
    var db: String { dir.appendingPathComponent("v\(version).db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        try FileManager.default.copyItem(atPath: fixture.appendingPathComponent("v\(version).db").path, toPath: db)
    }

    /// Every read the fixture's `expected/` files hold, with the file holding its output.
    let reads: [(arguments: [String], expected: String)] =
        ["eval", "eval_copy", "forked", "main", "other", "train"].map { (["export", "--env", $0], "\($0).json") } + [
            (["export", "--env", "main", "--as-of", "500"], "main@500.json"),
            (["export", "--env", "main", "--since", "1000"], "main-since-1000.json"),
            (["ls", "--json"], "ls.jsonl"),
            (["ls", "--env", "main", "--json"], "ls-main.jsonl"),
        ]

    func assertReadsPrintWhatTheOldVersionPrinted(file: StaticString = #filePath, line: UInt = #line) throws {
        try assertEachPrintsItsExpectedFile(reads, label: "", file: file, line: line)
    }

    /// Runs each read on the store and compares what it prints with its file in `expected/`.
    private func assertEachPrintsItsExpectedFile(
        _ reads: [(arguments: [String], expected: String)], label: String, file: StaticString, line: UInt
    ) throws {
        for read in reads {
            let expected = try String(
                contentsOf: fixture.appendingPathComponent("expected/\(read.expected)"), encoding: .utf8)
            let result = try logstore(["--db", db] + read.arguments)
            XCTAssertEqual(result.status, 0, "\(label)\(read.arguments): \(result.stderr)", file: file, line: line)
            XCTAssertEqual(result.stdout, expected, "\(label)\(read.arguments)", file: file, line: line)
        }
    }

    /// The time range of the fixture's `expected/log-time.jsonl` (fixtures of version 6 on).
    var logTimes: (since: String, until: String) { ("", "") }

    /// The epoch log as the old version printed it: whole, as a table and as JSON, and filtered
    /// by env, epochs and limit, and by time (fixtures of version 6 on).
    var logReads: [(arguments: [String], expected: String)] {
        [
            (["log", "--no-pager"], "log.txt"),
            (["log", "--json"], "log.jsonl"),
            (
                ["log", "--env", "main", "--since", "300", "--until", "900", "--limit", "40", "--json"],
                "log-main-300-900.jsonl"
            ),
            (["log", "--since", logTimes.since, "--until", logTimes.until, "--json"], "log-time.jsonl"),
        ]
    }

    func assertLogsPrintWhatTheOldVersionPrinted(_ label: String, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        try assertEachPrintsItsExpectedFile(logReads, label: "\(label): ", file: file, line: line)
    }

    /// The exports (not `ls`, which prints store bytes, which sealing changes) and the epoch log
    /// print what the old version printed, and `check` passes.
    func assertExportsAndLogsReadAsTheOldVersionDid(_ label: String) throws {
        for read in reads where read.arguments[0] == "export" {
            let expected = try String(
                contentsOf: fixture.appendingPathComponent("expected/\(read.expected)"), encoding: .utf8)
            XCTAssertEqual(try logstore(["--db", db] + read.arguments).stdout, expected, "\(label): \(read.arguments)")
        }
        try assertLogsPrintWhatTheOldVersionPrinted(label)
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n", label)
    }

    /// Every epoch's export of `main` as of it and its changes since it, read in process.
    func everyEpochOfMain() throws -> [String] {
        let store = try LogStore(path: db, options: .init(readOnly: true))
        var out: [String] = []
        for epoch in 0...(try store.lastEpoch) {
            let main = try store.exportEnv("main", asOf: epoch)
            let changes = try store.changes(env: "main", since: epoch).json
            out.append(String(decoding: JSONWriter.bytes(main) + JSONWriter.bytes(changes), as: UTF8.self))
        }
        return out
    }

    func userVersion() throws -> Int32 {
        let c = try Connection(path: db, mode: .readOnly)
        defer { try? c.close() }
        return try c.userVersion
    }

    /// Column names and types, table by table, and the indexes with their columns, of the
    /// store at `path`.
    /// Runs `logstore compact` on a fresh copy of this version's fixture store nine times,
    /// killing it (SIGKILL) after 0 to 100 ms, and hands each round and the version the killed
    /// run left to `check`. Returns the versions seen.
    func killCompactionsAtRandomMoments(_ check: (_ round: Int, _ version: Int32) throws -> Void) throws -> Set<Int32> {
        var versions: Set<Int32> = []
        for (round, delay) in [0, 1_000, 3_000, 6_000, 10_000, 20_000, 35_000, 60_000, 100_000].enumerated() {
            try FileManager.default.removeItem(atPath: db)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
            try FileManager.default.copyItem(atPath: fixture.appendingPathComponent("v\(version).db").path, toPath: db)
            let p = Process()
            p.executableURL = productsDirectory.appendingPathComponent("logstore")
            p.arguments = ["--db", db, "compact"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32(delay))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let v = try userVersion()
            versions.insert(v)
            try check(round, v)
        }
        return versions
    }

    func schema(_ path: String) throws -> [String] {
        let c = try Connection(path: path, mode: .readOnly)
        defer { try? c.close() }
        var out: [String] = []
        try c.forEach(
            """
            SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p."notnull" || ' ' || coalesce(p.dflt_value, '') || ' ' || p.pk
            FROM sqlite_schema m, pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid
            """, []
        ) { out.append($0.text(0)) }
        try c.forEach(
            """
            SELECT m.tbl_name || ' ' || m.name || ' (' || group_concat(coalesce(i.name, '?'), ', ') || ') ' || coalesce(m.sql, '')
            FROM sqlite_schema m, pragma_index_info(m.name) i WHERE m.type = 'index' GROUP BY m.name ORDER BY m.name
            """, []
        ) { out.append($0.text(0)) }
        return out
    }

    func assertReadOnlyCommandsReadTheStoreAsItIs() throws {
        try assertReadsPrintWhatTheOldVersionPrinted()
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
        XCTAssertEqual(try userVersion(), Int32(version))
    }

    func assertAWritableOpenUpgradesTheStoreToTheSchemaOfANewOne() throws {
        // `log` reads the old store as it is (read-only) and shows the same changes after the
        // upgrade, whether an epoch names its window in its own row or in window_change.
        let log = try logstore(["--db", db, "log", "--json"])
        XCTAssertEqual(log.status, 0, log.stderr)
        XCTAssertEqual(try userVersion(), Int32(version))
        for kind in ["env_created", "created", "appended"] {
            XCTAssertTrue(log.stdout.contains(#""kind": "\#(kind)""#), kind)
        }
        _ = try LogStore(path: db)
        XCTAssertEqual(try logstore(["--db", db, "log", "--json"]).stdout, log.stdout)
        XCTAssertEqual(try userVersion(), Int32(Schema.version))
        let fresh = dir.appendingPathComponent("fresh.db").path
        _ = try LogStore(path: fresh)
        XCTAssertEqual(try schema(db), try schema(fresh))
        try assertReadsPrintWhatTheOldVersionPrinted()
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
    }

    /// After the upgrade, new epochs are written the current way (no window_change row for
    /// an append) and the windows written by the old version go on changing as before.
    func assertAppendsAfterTheUpgradeShowInChangesAndListings() throws {
        let store = try LogStore(path: db)
        let before = String(decoding: try store.windowJSON(env: "main", window: "loss"), as: UTF8.self)
        let log = dir.appendingPathComponent("more.jsonl")
        let line =
            #"["update", {"data": [{"x": [99], "y": [0.5], "name": "1", "type": "scatter"}], "win": "loss", "eid": "main", "append": true, "name": "1"}]"#
        try Data((line + "\n").utf8)
            .write(to: log)
        let changes = try Connection(path: db, mode: .readOnly)
        defer { try? changes.close() }
        let rowsBefore = try changes.int("SELECT count(*) FROM window_change", [])
        _ = try Importer(store: store).importFile(log.path)
        let epoch = try store.lastEpoch
        XCTAssertEqual(try changes.int("SELECT count(*) FROM window_change", []), rowsBefore)
        XCTAssertNotNil(try changes.int("SELECT window_id FROM epoch WHERE epoch = ?", [.integer(epoch)]))
        XCTAssertEqual(try store.pointsAdded(sinceEpoch: epoch - 1), 1)

        let after = String(decoding: try store.windowJSON(env: "main", window: "loss"), as: UTF8.self)
        XCTAssertTrue(after.contains("99") && after != before, "the appended point must show")
        let since = try logstore(["--db", db, "export", "--env", "main", "--since", String(epoch - 1)])
        XCTAssertTrue(since.stdout.contains(#""loss": {"append": "#), since.stdout)
        let main = try logstore(["--db", db, "ls", "--json"]).stdout.split(separator: "\n").first {
            $0.contains(#""env": "main""#)
        }
        XCTAssertTrue(main?.contains(#""last_epoch": \#(epoch)"#) ?? false, "\(main ?? "")")
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
    }
}

final class FormatVersion1Tests: FormatMigrationTests {
    override var version: Int { 1 }
    func testReadOnlyCommandsReadAVersion1StoreAsItIs() throws { try assertReadOnlyCommandsReadTheStoreAsItIs() }
    func testAWritableOpenUpgradesAVersion1Store() throws {
        try assertAWritableOpenUpgradesTheStoreToTheSchemaOfANewOne()
    }
    func testAppendsAfterUpgradingAVersion1Store() throws { try assertAppendsAfterTheUpgradeShowInChangesAndListings() }
}

final class FormatVersion2Tests: FormatMigrationTests {
    override var version: Int { 2 }
    func testReadOnlyCommandsReadAVersion2StoreAsItIs() throws { try assertReadOnlyCommandsReadTheStoreAsItIs() }
    func testAWritableOpenUpgradesAVersion2Store() throws {
        try assertAWritableOpenUpgradesTheStoreToTheSchemaOfANewOne()
    }
    func testAppendsAfterUpgradingAVersion2Store() throws { try assertAppendsAfterTheUpgradeShowInChangesAndListings() }
}

final class FormatVersion3Tests: FormatMigrationTests {
    override var version: Int { 3 }
    func testReadOnlyCommandsReadAVersion3StoreAsItIs() throws { try assertReadOnlyCommandsReadTheStoreAsItIs() }
    func testAWritableOpenUpgradesAVersion3Store() throws {
        try assertAWritableOpenUpgradesTheStoreToTheSchemaOfANewOne()
    }
    func testAppendsAfterUpgradingAVersion3Store() throws { try assertAppendsAfterTheUpgradeShowInChangesAndListings() }

    /// A version-3 progress row kept no hash of what was imported, so it cannot tell its log
    /// from another that starts alike: the log is imported from its start, and one line says so.
    /// An env file's row (its identity covered every byte) still counts as imported.
    func testALogImportedByVersion3IsImportedAgainFromItsStartAndSaysWhy() throws {
        let log = fixture.appendingPathComponent("../scenarios/close_and_recreate/log.jsonl").standardizedFileURL.path
        let lines = try String(contentsOf: URL(fileURLWithPath: log), encoding: .utf8).split(separator: "\n").count
        let r = try logstore(["--db", db, "import", log])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(
            r.stderr.hasPrefix(
                """
                \(log): a log that starts like it (../scenarios/close_and_recreate/log.jsonl) was imported by an older LogStore, \
                which kept no hash of its content: importing it from its start
                imported \(lines) messages,
                """), r.stderr)
        XCTAssertEqual(try userVersion(), Int32(Schema.version))
        // now it has a row with a hash: importing it again finds nothing new
        XCTAssertTrue(
            try logstore(["--db", db, "import", log]).stderr.hasPrefix("\(log): nothing new since it was last imported")
        )
        let env = dir.appendingPathComponent("eval_copy.json")
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("expected/eval.json"), to: env)
        XCTAssertTrue(
            try logstore(["--db", db, "import", env.path]).stderr.hasPrefix(
                "\(env.path): imported before, nothing to do"))
    }
}

final class FormatVersion4Tests: FormatMigrationTests {
    override var version: Int { 4 }
    func testReadOnlyCommandsReadAVersion4StoreAsItIs() throws { try assertReadOnlyCommandsReadTheStoreAsItIs() }
    func testAWritableOpenUpgradesAVersion4Store() throws {
        try assertAWritableOpenUpgradesTheStoreToTheSchemaOfANewOne()
    }
    func testAppendsAfterUpgradingAVersion4Store() throws { try assertAppendsAfterTheUpgradeShowInChangesAndListings() }

    /// A version-4 progress row carries its hash across the upgrade: the log it recorded is
    /// still found imported, and nothing of it is imported again.
    func testALogImportedByVersion4IsStillImportedAfterTheUpgrade() throws {
        let log = fixture.appendingPathComponent("../scenarios/close_and_recreate/log.jsonl").standardizedFileURL.path
        let r = try logstore(["--db", db, "import", log])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("\(log): nothing new since it was last imported"), r.stderr)
        XCTAssertEqual(try userVersion(), Int32(Schema.version))
    }
}

final class FormatVersion5Tests: FormatMigrationTests {
    override var version: Int { 5 }
    func testReadOnlyCommandsReadAVersion5StoreAsItIs() throws { try assertReadOnlyCommandsReadTheStoreAsItIs() }
    func testAWritableOpenUpgradesAVersion5Store() throws {
        try assertAWritableOpenUpgradesTheStoreToTheSchemaOfANewOne()
    }
    func testAppendsAfterUpgradingAVersion5Store() throws { try assertAppendsAfterTheUpgradeShowInChangesAndListings() }

    /// The upgrades to versions 6 to 8 and the sealing after them, killed (SIGKILL) at random
    /// moments: each time the store is whole, in version 5 to 8, and prints what version 5
    /// printed; the run that is not killed leaves it sealed, and still printing the same.
    func testKillingAnUpgradingCompactionAtRandomMomentsLeavesVersion5To8AndTheSameReads() throws {
        let exports = reads.filter { $0.arguments[0] == "export" }  // `ls` prints store bytes, which sealing changes
        func assertReadsAsVersion5Did(_ label: String) throws {
            for read in exports {
                let expected = try String(
                    contentsOf: fixture.appendingPathComponent("expected/\(read.expected)"), encoding: .utf8)
                XCTAssertEqual(
                    try logstore(["--db", db] + read.arguments).stdout, expected, "\(label): \(read.arguments)")
            }
            XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n", label)
        }
        let versions = try killCompactionsAtRandomMoments { round, v in
            XCTAssertTrue((5...8).contains(v), "round \(round): version \(v)")
            try assertReadsAsVersion5Did("round \(round), killed in version \(v)")
        }
        let r = try logstore(["--db", db, "compact"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("kept all history: "), r.stdout)
        XCTAssertEqual(try userVersion(), Int32(Schema.version))
        try assertReadsAsVersion5Did("after a whole compaction")
        print("killed compactions left versions \(versions.sorted())")
    }
}

final class FormatVersion6Tests: FormatMigrationTests {
    override var version: Int { 6 }
    func testReadOnlyCommandsReadAVersion6StoreAsItIs() throws { try assertReadOnlyCommandsReadTheStoreAsItIs() }
    func testAWritableOpenUpgradesAVersion6Store() throws {
        try assertAWritableOpenUpgradesTheStoreToTheSchemaOfANewOne()
    }
    func testAppendsAfterUpgradingAVersion6Store() throws { try assertAppendsAfterTheUpgradeShowInChangesAndListings() }

    override var logTimes: (since: String, until: String) {
        ("2026-12-07T09:09:40.016Z", "2026-12-07T09:09:40.018Z")
    }

    /// Epochs sealed into runs (`epoch_run`) read back as the rows they replaced: the log, every
    /// epoch's export as of it and every epoch's changes since it print the same bytes before
    /// the upgrade, after it and after `compact` sealed the epochs; `check` passes.
    func testSealedEpochsReadAsTheirRowsDid() throws {
        try assertLogsPrintWhatTheOldVersionPrinted("version 6, read-only")
        let before = try everyEpochOfMain()
        let sampled = stride(from: 0, through: 1082, by: 97).flatMap { e in
            [["export", "--env", "main", "--as-of", "\(e)"], ["export", "--env", "main", "--since", "\(e)"]]
        }
        let printed = try sampled.map { try logstore(["--db", db] + $0).stdout }

        let r = try logstore(["--db", db, "compact"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains(" epochs sealed into "), r.stdout)
        XCTAssertEqual(try userVersion(), Int32(Schema.version))
        let c = try Connection(path: db, mode: .readOnly)
        defer { try? c.close() }
        let sealed = try c.int("SELECT sum(last_epoch - first_epoch + 1) FROM epoch_run", []) ?? 0
        let rows = try c.int("SELECT count(*) FROM epoch", []) ?? 0
        XCTAssertGreaterThan(sealed, 1000, "most epochs are sealed")
        XCTAssertEqual(sealed + rows, 1083)

        try assertLogsPrintWhatTheOldVersionPrinted("sealed")
        try assertReadsPrintWhatTheOldVersionPrinted()
        XCTAssertEqual(try everyEpochOfMain(), before)
        XCTAssertEqual(try sampled.map { try logstore(["--db", db] + $0).stdout }, printed)
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
    }

    /// The upgrades to versions 7 and 8 and the sealing after them, killed (SIGKILL) at random
    /// moments: each time the store is whole, in version 6, 7 or 8, and prints what version 6
    /// printed (exports and the epoch log); the run that is not killed leaves its epochs sealed.
    func testKillingAnUpgradingCompactionAtRandomMomentsLeavesVersion6To8AndTheSameReads() throws {
        var sealedRuns: Set<Bool> = []
        let versions = try killCompactionsAtRandomMoments { round, v in
            XCTAssertTrue((6...8).contains(v), "round \(round): version \(v)")
            if v >= 7 {
                let c = try Connection(path: db, mode: .readOnly)
                sealedRuns.insert(try c.int("SELECT count(*) FROM epoch_run", []) ?? 0 > 0)
                try c.close()
            }
            try assertExportsAndLogsReadAsTheOldVersionDid("round \(round), killed in version \(v)")
        }
        let r = try logstore(["--db", db, "compact"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try userVersion(), Int32(Schema.version))
        try assertExportsAndLogsReadAsTheOldVersionDid("after a whole compaction")
        print(
            "killed compactions left versions \(versions.sorted()), epochs sealed: \(sealedRuns.sorted { !$0 && $1 })")
    }
}

final class FormatVersion7Tests: FormatMigrationTests {
    override var version: Int { 7 }
    func testReadOnlyCommandsReadAVersion7StoreAsItIs() throws {
        try assertReadOnlyCommandsReadTheStoreAsItIs()
        try assertLogsPrintWhatTheOldVersionPrinted("version 7, read-only")
    }
    func testAWritableOpenUpgradesAVersion7Store() throws {
        try assertAWritableOpenUpgradesTheStoreToTheSchemaOfANewOne()
        try assertLogsPrintWhatTheOldVersionPrinted("upgraded")
    }
    func testAppendsAfterUpgradingAVersion7Store() throws { try assertAppendsAfterTheUpgradeShowInChangesAndListings() }

    override var logTimes: (since: String, until: String) {
        ("2026-12-07T13:07:09.071Z", "2026-12-07T13:07:09.073Z")
    }

    func packRows() throws -> Int64 {
        let c = try Connection(path: db, mode: .readOnly)
        defer { try? c.close() }
        return try c.int("SELECT count(*) FROM segment WHERE series_id = 0", []) ?? 0
    }

    /// Version 7 wrote a segment row per series per append; after the upgrade, one-point
    /// appends to the windows it wrote are pack rows (one per append), with the writer's seals
    /// among them, and every epoch version 7 wrote reads as before: exports as of it, changes
    /// since it, the epoch log. `compact` then unpacks and seals them, changing no read.
    func testAppendsAfterTheUpgradeArePackRowsAndEarlierEpochsReadTheSame() throws {
        /// `main` as of every epoch version 7 wrote (changes since them grow with the appends).
        func exportsAsOfTheOldEpochs() throws -> [String] {
            let store = try LogStore(path: db, options: .init(readOnly: true))
            return try (0...1082).map {
                String(decoding: JSONWriter.bytes(try store.exportEnv("main", asOf: $0)), as: UTF8.self)
            }
        }
        let before = try exportsAsOfTheOldEpochs()
        XCTAssertEqual(try packRows(), 0)
        let log = dir.appendingPathComponent("steps.jsonl")
        let steps = 2 * 128 + 5
        let lines = (0..<steps).map { i in
            #"["update", {"data": [{"x": [\#(1000 + i)], "y": [\#(Double(i) / 8)]}], "win": "loss", "eid": "main", "append": true}]"#
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: log)
        let r = try logstore(["--db", db, "import", log.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try userVersion(), 8)
        let packs = try packRows()
        XCTAssertGreaterThan(packs, 0)
        XCTAssertLessThan(packs, Int64(steps), "the writer sealed the older ones, x and y together")
        XCTAssertEqual(try exportsAsOfTheOldEpochs(), before)
        let after = try everyEpochOfMain()
        XCTAssertEqual(after.count, before.count + steps)
        // The whole log now starts with the new epochs; the filtered reads cover old ones only.
        for read in logReads where read.expected.hasPrefix("log-") {
            let expected = try String(
                contentsOf: fixture.appendingPathComponent("expected/\(read.expected)"), encoding: .utf8)
            XCTAssertEqual(try logstore(["--db", db] + read.arguments).stdout, expected, "\(read.arguments)")
        }
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
        let main = try logstore(["--db", db, "export", "--env", "main"]).stdout
        XCTAssertTrue(main.contains("\(1000 + steps - 1)"), "the last step shows")
        let c = try logstore(["--db", db, "compact"])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertEqual(try packRows(), 0)
        XCTAssertEqual(try everyEpochOfMain(), after)
        XCTAssertEqual(try logstore(["--db", db, "export", "--env", "main"]).stdout, main)
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
    }

    /// The upgrade to version 8 and the sealing after it, killed (SIGKILL) at random moments:
    /// each time the store is whole, in version 7 or 8, and prints what version 7 printed
    /// (exports and the epoch log).
    func testKillingAnUpgradingCompactionAtRandomMomentsLeavesVersion7Or8AndTheSameReads() throws {
        let versions = try killCompactionsAtRandomMoments { round, v in
            XCTAssertTrue(v == 7 || v == 8, "round \(round): version \(v)")
            try assertExportsAndLogsReadAsTheOldVersionDid("round \(round), killed in version \(v)")
        }
        let r = try logstore(["--db", db, "compact"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try userVersion(), 8)
        try assertExportsAndLogsReadAsTheOldVersionDid("after a whole compaction")
        print("killed compactions left versions \(versions.sorted())")
    }
}
