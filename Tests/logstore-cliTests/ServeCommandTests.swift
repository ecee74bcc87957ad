import Foundation
import XCTest

/// `logstore serve` replaces itself with `logstore-server`, passing the store and every later
/// word untouched; logstore-server alone checks them (scripts/server-tests/hardening_tests.py,
/// `options`, runs the real one).
final class ServeCommandTests: XCTestCase {
    /// A stand-in logstore-server that prints the arguments it was started with.
    func fakeServer(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("fake-server").path
        try "#!/bin/sh\nprintf '%s|' \"$@\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(path, 0o755), 0)
        return path
    }

    func testServeExecsTheServerWithTheStoreAndItsWordsInOrder() throws {
        let dir = try temporaryDirectory(self)
        let server = try fakeServer(in: dir)
        let r = try logstore(
            [
                "--db", "runs.db", "serve", "--port", "0", "--enable-login", "--durability", "normal", "--base-url",
                "/v",
            ],
            environment: ["LOGSTORE_SERVER": server])
        XCTAssertEqual(
            r,
            CLIResult(
                stdout: "--db|runs.db|--port|0|--enable-login|--durability|normal|--base-url|/v|", stderr: "", status: 0
            ))
    }

    func testTheHostOriginTimeoutAndSizeOptionsArePassedOn() throws {
        let dir = try temporaryDirectory(self)
        let server = try fakeServer(in: dir)
        let r = try logstore(
            [
                "serve", "--allow-host", "vis.lab", "--allow-origin", "http://dash.lab:8080", "--header-timeout", "5",
                "--body-timeout", "30", "--idle-timeout", "20", "--max-connections", "100", "--max-message-size",
                "65536",
            ],
            environment: ["LOGSTORE_SERVER": server, "LOGSTORE_DB": "/tmp/x.db"])
        XCTAssertEqual(
            r.stdout,
            "--db|/tmp/x.db|--allow-host|vis.lab|--allow-origin|http://dash.lab:8080|--header-timeout|5|"
                + "--body-timeout|30|--idle-timeout|20|--max-connections|100|--max-message-size|65536|")
    }

    func testTheStoreDefaultsAsForEveryCommand() throws {
        let dir = try temporaryDirectory(self)
        let server = try fakeServer(in: dir)
        let r = try logstore(["serve"], environment: ["LOGSTORE_SERVER": server, "LOGSTORE_DB": "/tmp/x.db"])
        XCTAssertEqual(r.stdout, "--db|/tmp/x.db|")
    }

    func testAMissingServerIsOneLineSayingHowToBuildIt() throws {
        let dir = try temporaryDirectory(self)
        let r = try logstore(
            ["serve"], environment: ["LOGSTORE_SERVER": dir.appendingPathComponent("nope").path], cwd: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
        XCTAssertTrue(r.stderr.contains("cannot run"), r.stderr)
    }

    /// Words the CLI would refuse for its own commands go on as they are: the help, a `--db`
    /// after the command word (later than the store's, so it wins), unknown options, values
    /// that start with dashes, empty words.
    func testEveryWordIsPassedOnUntouched() throws {
        let dir = try temporaryDirectory(self)
        let server = try fakeServer(in: dir)
        let environment = ["LOGSTORE_SERVER": server, "LOGSTORE_DB": "/tmp/x.db"]
        XCTAssertEqual(
            try logstore(["serve", "--help"], environment: environment),
            CLIResult(stdout: "--db|/tmp/x.db|--help|", stderr: "", status: 0))
        XCTAssertEqual(
            try logstore(
                ["serve", "-h", "--prot", "1", "--db", "b.db", "--token", "--x", "", "--"], environment: environment
            ).stdout,
            "--db|/tmp/x.db|-h|--prot|1|--db|b.db|--token|--x||--|")
    }

    /// `logstore help serve` is the CLI's page: what serve does and where the options are.
    func testHelpServeSaysTheOptionsAreLogstoreServers() throws {
        let page = try logstore(["help", "serve"]).stdout
        XCTAssertTrue(page.contains("\nUSAGE: logstore [--db PATH] serve [OPTION...]\n"), page)
        XCTAssertTrue(page.contains("'logstore serve --help' lists them"), page)
        XCTAssertFalse(page.contains("\n  --port"), "the options are declared once, by logstore-server")
    }
}
