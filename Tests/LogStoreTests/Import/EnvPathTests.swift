import Foundation
import XCTest

@testable import LogStore

final class EnvPathTests: XCTestCase {
    func testEnvFilesAreTheJSONObjectsThatStartWithJsonsOrReload() throws {
        let dir = try temporaryDirectory(self)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("view"), withIntermediateDirectories: true)
        let files = [
            "main.json": #"{"jsons": {}, "reload": {}}"#,
            "b.json": " \n{ \"reload\": {}, \"jsons\": {}}",
            "main.windows.json": #"{"w": {}}"#,
            "log.jsonl": #"["events", {}]"#,
            "list.json": "[1]",
            "empty.json": "",
        ]
        for (name, text) in files {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let envPath = try EnvPath(scanning: dir.path)
        XCTAssertEqual(envPath.envFiles, ["b.json", "main.json"].map { dir.appendingPathComponent($0).path })
        XCTAssertEqual(envPath.replayLogs, [dir.appendingPathComponent("log.jsonl").path])
        XCTAssertEqual(envPath.skipped, ["empty.json", "list.json", "main.windows.json", "view/"])
    }

    /// Replay logs are found by their first line, whatever their name, in subfolders too;
    /// env files only at the top (visdom loads none from a subfolder), and never in view/.
    func testReplayLogsAreFoundByContentAtAnyDepth() throws {
        let dir = try temporaryDirectory(self)
        for sub in ["run1", "run2/deeper", "view"] {
            try FileManager.default.createDirectory(
                at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let line = #"["events", {"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "main", "opts": {}}]"#
        let files = [
            "run1/visdom.log": line + "\n",
            "run2/deeper/replay": line + "\n" + line + "\n",
            "writing.jsonl": #"["update", {"da"#,  // first line not complete yet
            "view/old.jsonl": line + "\n",
            "run1/env.json": #"{"jsons": {}, "reload": {}}"#,
            "bad.jsonl": #"["nope", {}]"# + "\n",
            "array.json": "[1, 2]\n",
        ]
        for (name, text) in files {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("loop").path, withDestinationPath: ".")
        let envPath = try EnvPath(scanning: dir.path)
        XCTAssertEqual(
            envPath.replayLogs,
            ["run1/visdom.log", "run2/deeper/replay", "writing.jsonl"].map { dir.appendingPathComponent($0).path })
        XCTAssertEqual(envPath.envFiles, [])
        XCTAssertEqual(envPath.skipped, ["array.json", "bad.jsonl", "loop/", "run1/env.json", "view/"])
    }

    func testAMissingDirectoryIsAnIOError() {
        XCTAssertThrowsError(try EnvPath(scanning: "/no/such/dir")) { error in
            XCTAssertEqual(error as? LogStoreError, .io(path: "/no/such/dir", reason: "cannot read the directory"))
        }
    }

    func testFileStartNamesTheIdentityTheImporterRecords() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("run.jsonl")
        try Data(
            #"["events", {"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "main", "opts": {}}]"#.utf8
        ).write(to: log)
        XCTAssertEqual(try Importer.fileStart(log.path), .incomplete)
        try Data(
            (#"["events", {"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "main", "opts": {}}]"# + "\n")
                .utf8
        ).write(to: log)
        guard case .replayLog(let identity) = try Importer.fileStart(log.path) else { return XCTFail() }
        let store = try temporaryStore(self)
        _ = try Importer(store: store).importFile(log.path)
        XCTAssertEqual(try store.importProgress(identity: identity).map(\.lines), [1])
        let env = dir.appendingPathComponent("e.json")
        try Data(#"{"jsons": {}, "reload": {}}"#.utf8).write(to: env)
        XCTAssertEqual(try Importer.fileStart(env.path), .other)
        try Data().write(to: env)
        XCTAssertEqual(try Importer.fileStart(env.path), .incomplete)
    }
}
