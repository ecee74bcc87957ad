import Foundation
import XCTest

@testable import LogStore

final class EnvPathTests: XCTestCase {
    func testEnvFilesAreTheJSONObjectsThatStartWithJsonsOrReload() throws {
        let dir = try temporaryDirectory(self)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("view"), withIntermediateDirectories: true)
        let files = [
            "main.json": #"{"jsons": {}, "reload": {}}"#,
            "b.json": " \n{ \"reload\": {}, \"jsons\": {}}",
            "main.windows.json": #"{"w": {}}"#,
            "log.jsonl": #"["events", {}]"#,
            "list.json": "[1]",
            "empty.json": "",
        ]
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let envPath = try EnvPath(scanning: dir.path)
        XCTAssertEqual(envPath.envFiles, ["b.json", "main.json"].map { dir.appendingPathComponent($0).path })
        XCTAssertEqual(envPath.skipped, ["empty.json", "list.json", "log.jsonl", "main.windows.json", "view/"])
    }

    func testAMissingDirectoryIsAnIOError() {
        XCTAssertThrowsError(try EnvPath(scanning: "/no/such/dir")) { error in
            XCTAssertEqual(error as? LogStoreError, .io(path: "/no/such/dir", reason: "cannot read the directory"))
        }
    }

    func testFileStartNamesTheIdentityTheImporterRecords() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("run.jsonl")
        try Data(#"["events", {"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "main", "opts": {}}]"#.utf8).write(to: log)
        XCTAssertEqual(try Importer.fileStart(log.path), .incomplete)
        try Data((#"["events", {"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "main", "opts": {}}]"# + "\n").utf8).write(to: log)
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
