import Foundation
import XCTest

/// The command-line contract the corpus checker relies on (`import`, `export`), run against
/// the built binary with exact stdout, stderr and exit status.
final class ContractTests: XCTestCase {
    func testExportOfAMissingEnvIsAOneLineErrorWithExitOne() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("s.db").path
        let log = dir.appendingPathComponent("l.jsonl")
        try #"["events", {"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "main", "opts": {}}]"#
            .appending("\n")
            .write(to: log, atomically: true, encoding: .utf8)
        XCTAssertEqual(try logstore(["--db", db, "import", log.path]).status, 0)
        XCTAssertEqual(
            try logstore(["--db", db, "export", "--env", "nope"]),
            CLIResult(stdout: "", stderr: "Error: no env named 'nope'\n", status: 1))
        XCTAssertEqual(
            try logstore(["--db", db, "export", "--env", "main", "--window", "x"]),
            CLIResult(stdout: "", stderr: "Error: no window 'x' in env 'main'\n", status: 1))
    }

    func testExportPrintsTheWindowAsVisdomJSON() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("s.db").path
        let log = dir.appendingPathComponent("l.jsonl")
        try
            #"["events", {"data": [{"content": "h\u00e9 \ud83d\ude00", "type": "text"}], "win": "t", "eid": "main", "opts": {"title": "T"}}]"#
            .appending("\n")
            .write(to: log, atomically: true, encoding: .utf8)
        _ = try logstore(["--db", db, "import", log.path])
        let r = try logstore(["--db", db, "export", "--env", "main", "--window", "t"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(
            r.stdout.hasPrefix(
                #"{"command": "window", "id": "t", "title": "T", "inflate": true, "width": null, "height": null, "contentID": ""#
            ), r.stdout)
        XCTAssertTrue(
            r.stdout.hasSuffix(#""content": "h\u00e9 \ud83d\ude00", "type": "text", "i": 0}"# + "\n"), r.stdout)
    }

    func testDatabaseDefaultsToLogstoreDBInTheWorkingDirectoryOrTheEnvironment() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("l.jsonl")
        try #"["events", {"data": [{"content": "x", "type": "text"}], "win": "t", "opts": {}}]"#.appending("\n")
            .write(to: log, atomically: true, encoding: .utf8)
        XCTAssertEqual(try logstore(["import", log.path], cwd: dir).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("logstore.db").path))
        let other = dir.appendingPathComponent("other.db").path
        XCTAssertEqual(try logstore(["import", log.path], environment: ["LOGSTORE_DB": other]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: other))
    }

    func testUsageErrorsExitWith64() throws {
        let r = try logstore(["export"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stderr, "Error: export needs --env ENV\n")
        XCTAssertEqual(try logstore(["frobnicate"]).status, 64)
    }

    func testAMissingFileIsAnError() throws {
        let dir = try temporaryDirectory(self)
        let r = try logstore(["--db", dir.appendingPathComponent("s.db").path, "import", "/no/such/file.jsonl"])
        XCTAssertEqual(r, CLIResult(stdout: "", stderr: "Error: /no/such/file.jsonl: no such file\n", status: 1))
    }

    /// The corpus's own checker, run against the binary: the contract as the corpus sees it.
    func testCorpusCheckerPassesOnTheBinary() throws {
        let checker = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/visdom-corpus/check.py")
        guard FileManager.default.fileExists(atPath: checker.path) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                return XCTFail("corpus checker missing at \(checker.path)")
            }
            throw XCTSkip("corpus not found")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", checker.path, productsDirectory.appendingPathComponent("logstore").path, "--strict-numbers",
        ]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, text)
        XCTAssertTrue(text.contains(" 0 failed"), text)
    }
}
