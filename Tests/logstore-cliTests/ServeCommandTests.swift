import Foundation
import XCTest

/// `logstore serve` replaces itself with `logstore-server`, passing the store and the options.
final class ServeCommandTests: XCTestCase {
    /// A stand-in logstore-server that prints the arguments it was started with.
    func fakeServer(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("fake-server").path
        try "#!/bin/sh\nprintf '%s|' \"$@\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(path, 0o755), 0)
        return path
    }

    func testServeExecsTheServerWithTheStoreAndItsOptions() throws {
        let dir = try temporaryDirectory(self)
        let server = try fakeServer(in: dir)
        let r = try logstore(
            ["--db", "runs.db", "serve", "--port", "0", "--enable-login", "--durability", "normal", "--base-url", "/v"],
            environment: ["LOGSTORE_SERVER": server])
        XCTAssertEqual(r, CLIResult(stdout: "--db|runs.db|--port|0|--durability|normal|--base-url|/v|--enable-login|", stderr: "", status: 0))
    }

    func testTheHostOriginTimeoutAndSizeOptionsArePassedOn() throws {
        let dir = try temporaryDirectory(self)
        let server = try fakeServer(in: dir)
        let r = try logstore(
            ["serve", "--allow-host", "vis.lab", "--allow-origin", "http://dash.lab:8080", "--header-timeout", "5",
             "--body-timeout", "30", "--idle-timeout", "20", "--max-connections", "100", "--max-message-size", "65536"],
            environment: ["LOGSTORE_SERVER": server, "LOGSTORE_DB": "/tmp/x.db"])
        XCTAssertEqual(r.stdout, "--db|/tmp/x.db|--max-message-size|65536|--allow-host|vis.lab|--allow-origin|http://dash.lab:8080|"
                       + "--header-timeout|5|--body-timeout|30|--idle-timeout|20|--max-connections|100|")
    }

    func testTheStoreDefaultsAsForEveryCommand() throws {
        let dir = try temporaryDirectory(self)
        let server = try fakeServer(in: dir)
        let r = try logstore(["serve"], environment: ["LOGSTORE_SERVER": server, "LOGSTORE_DB": "/tmp/x.db"])
        XCTAssertEqual(r.stdout, "--db|/tmp/x.db|")
    }

    func testAMissingServerIsOneLineSayingHowToBuildIt() throws {
        let dir = try temporaryDirectory(self)
        let r = try logstore(["serve"], environment: ["LOGSTORE_SERVER": dir.appendingPathComponent("nope").path], cwd: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
        XCTAssertTrue(r.stderr.contains("cannot run"), r.stderr)
    }

    func testUnknownServerOptionsAreUsageErrors() throws {
        let r = try logstore(["serve", "--prot", "1"])
        XCTAssertEqual(r.status, 64)
    }
}
