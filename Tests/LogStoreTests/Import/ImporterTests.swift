import Foundation
import XCTest

@testable import LogStore

final class ImporterTests: XCTestCase {
    let line1 =
        #"["events", {"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "eid": "main", "layout": {}, "opts": {}}]"#
    func append(_ i: Int) -> String {
        #"["update", {"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "w", "eid": "main", "append": true}]"#
    }

    func xs(_ store: LogStore) throws -> [JSONValue] {
        try XCTUnwrap(
            try store.exportWindow(env: "main", window: "w")["content"]?["data"]?.arrayValue?[0]["x"]?.arrayValue)
    }

    func testImportingTheSameLogAgainOnlyImportsNewLines() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("run.jsonl")
        try ([line1, append(1), append(2)].joined(separator: "\n") + "\n").write(
            to: log, atomically: true, encoding: .utf8)
        let store = try LogStore(path: dir.appendingPathComponent("s.db").path)
        XCTAssertEqual(try Importer(store: store).importFile(log.path).messages, 3)
        XCTAssertEqual(try Importer(store: store).importFile(log.path).messages, 0)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        handle.write(Data((append(3) + "\n").utf8))
        try handle.close()
        XCTAssertEqual(try Importer(store: store).importFile(log.path).messages, 1)
        XCTAssertEqual(try xs(store), [0, 1, 2, 3])
        XCTAssertEqual(try Importer(store: store, again: true).importFile(log.path).messages, 4)
    }

    /// The store an import used closes when its caller lets go of it, on the caller's thread:
    /// the thread that applied the batches must not be holding it then (it would close later,
    /// on that thread, racing whatever the caller does next with the file).
    func testTheImporterHoldsNoReferenceToTheStoreOnceItReturns() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("run.jsonl")
        try ([line1] + (1...50).map(append)).joined(separator: "\n").appending("\n").write(
            to: log, atomically: true, encoding: .utf8)
        for _ in 0..<200 {
            weak var released: LogStore?
            do {
                let store = try LogStore(path: dir.appendingPathComponent("s.db").path)
                released = store
                _ = try Importer(store: store, again: true).importFile(log.path)
            }
            XCTAssertNil(released)
        }
    }

    func testAMalformedLineStopsTheImportWithFileAndLineKeepingEarlierMessages() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("bad.jsonl")
        try ([line1, append(1), "[\"update\", {oops}]", append(3)].joined(separator: "\n") + "\n").write(
            to: log, atomically: true, encoding: .utf8)
        let store = try LogStore(path: dir.appendingPathComponent("s.db").path)
        XCTAssertThrowsError(try Importer(store: store).importFile(log.path)) { error in
            guard case LogStoreError.badInput(let place, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(place, "\(log.path):3")
        }
        XCTAssertEqual(try xs(store), [0, 1])
        // fixing the line resumes at that line
        try ([line1, append(1), append(2), append(3)].joined(separator: "\n") + "\n").write(
            to: log, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Importer(store: store).importFile(log.path).messages, 2)
        XCTAssertEqual(try xs(store), [0, 1, 2, 3])
    }

    func testSummaryCountsAddUp() {
        var total = Importer.Summary()
        var a = Importer.Summary()
        var b = Importer.Summary()
        (a.messages, a.refused, a.failed, a.skippedLines, a.envs) = (3, 1, 0, 2, ["main", "x"])
        (b.messages, b.refused, b.failed, b.skippedLines, b.envs) = (4, 0, 2, 1, ["x", "y"])
        b.warnings = [.incompleteLastLine(path: "f", line: 9)]
        total.addCounts(of: a)
        total.addCounts(of: b)
        XCTAssertEqual([total.messages, total.refused, total.failed, total.skippedLines], [7, 1, 2, 3])
        XCTAssertEqual(total.envs, ["main", "x", "y"])
        XCTAssertEqual(total.warnings, [], "warnings are the caller's to print, not totalled")
    }

    func testSkipBadWarnsAndGoesOn() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("bad.jsonl")
        try ([line1, "[\"nope\", {}]", "[1, 2, 3]", append(1)].joined(separator: "\n") + "\n").write(
            to: log, atomically: true, encoding: .utf8)
        let store = try LogStore(path: dir.appendingPathComponent("s.db").path)
        let s = try Importer(store: store, skipBad: true).importFile(log.path)
        XCTAssertEqual(s.skippedLines, 2)
        XCTAssertEqual(
            s.warnings.map(\.description),
            ["\(log.path):2: unknown endpoint 'nope'", "\(log.path):3: not an [endpoint, object] pair"])
        for w in s.warnings {
            guard case .skippedLine(.badInput) = w else { return XCTFail("\(w) is not a skipped bad line") }
        }
        XCTAssertEqual(try xs(store), [0, 1])
    }

    func testAnIncompleteLastLineIsAWarningAndIsPickedUpOnceComplete() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("live.jsonl")
        let partial = String(append(1).prefix(20))
        try (line1 + "\n" + partial).write(to: log, atomically: true, encoding: .utf8)
        let store = try LogStore(path: dir.appendingPathComponent("s.db").path)
        let s = try Importer(store: store).importFile(log.path)
        XCTAssertEqual(s.messages, 1)
        XCTAssertEqual(s.warnings, [.incompleteLastLine(path: log.path, line: 2)])
        try (line1 + "\n" + append(1) + "\n").write(to: log, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Importer(store: store).importFile(log.path).messages, 1)
        XCTAssertEqual(try xs(store), [0, 1])
    }

    func testALogStillWritingItsFirstLineImportsNothingYet() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("new.jsonl")
        try String(line1.prefix(30)).write(to: log, atomically: true, encoding: .utf8)
        let store = try LogStore(path: dir.appendingPathComponent("s.db").path)
        let s = try Importer(store: store).importFile(log.path)
        XCTAssertEqual(s.messages, 0)
        XCTAssertEqual(s.warnings, [.incompleteLastLine(path: log.path, line: 1)])
        XCTAssertEqual(
            s.warnings.map(\.description), ["\(log.path):1: incomplete last line (no newline yet); not imported"])
        try (line1 + "\n").write(to: log, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Importer(store: store).importFile(log.path).messages, 1)
    }

    func testAnEnvFileIsNamedAfterTheFileAndReimportingItChangesNothing() throws {
        let dir = try temporaryDirectory(self)
        let file = dir.appendingPathComponent("exp_1.json")
        try
            #"{"jsons": {"w": {"command": "window", "id": "w", "type": "text", "content": "hi", "i": 0}}, "reload": {"w": {"x": 1}}}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let store = try LogStore(path: dir.appendingPathComponent("s.db").path)
        XCTAssertEqual(try Importer(store: store).importFile(file.path).envs, ["exp_1"])
        let epoch = try store.lastEpoch
        XCTAssertTrue(try Importer(store: store).importFile(file.path).alreadyImported)
        XCTAssertEqual(try store.lastEpoch, epoch)
        XCTAssertEqual(try store.exportEnv("exp_1")["reload"], ["w": ["x": 1]])
    }

    func testAnEnvFileMayNestDeeperThanAMessageAsPythonAllows() throws {
        let dir = try temporaryDirectory(self)
        let store = try LogStore(path: dir.appendingPathComponent("s.db").path)
        func envFile(depth: Int) throws -> String {
            let file = dir.appendingPathComponent("deep\(depth).json")
            let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            try #"{"jsons": {"w": {"type": "text", "content": \#(deep)}}, "reload": {}}"#.write(
                to: file, atomically: true, encoding: .utf8)
            return file.path
        }
        XCTAssertNoThrow(try Importer(store: store).importFile(try envFile(depth: 600)))
        XCTAssertThrowsError(try Importer(store: store).importFile(try envFile(depth: 1200)))
    }

    func testEnvFileWithoutReloadIsRefused() throws {
        let dir = try temporaryDirectory(self)
        let file = dir.appendingPathComponent("e.json")
        try #"{"jsons": {}}"#.write(to: file, atomically: true, encoding: .utf8)
        let store = try LogStore(path: dir.appendingPathComponent("s.db").path)
        XCTAssertThrowsError(try Importer(store: store).importFile(file.path)) { error in
            XCTAssertEqual(error as? LogStoreError, .badInput(place: file.path, reason: "field 'reload' is missing"))
        }
    }
}
