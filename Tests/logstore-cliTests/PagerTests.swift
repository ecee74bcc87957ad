import Foundation
import XCTest

/// `logstore log` pages through $LOGSTORE_PAGER / $PAGER / less when stdout is a terminal, as
/// git log does. Runs the binary under `script`, which gives it a pseudo-terminal.
final class PagerTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        try writeLines([Lines.create(), Lines.append(1)], to: "l.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", "l.jsonl"], cwd: dir).status, 0)
    }

    /// Runs `logstore --db DB ARGS` on a pseudo-terminal with `environment` (PAGER, LESS and
    /// LOGSTORE_PAGER unset unless given); returns what the terminal showed, `\r\n` made `\n`.
    func onTerminal(_ args: [String], environment: [String: String] = [:], status: Int32 = 0) throws -> String {
        var env: [String: String?] = [
            "PAGER": nil, "LESS": nil, "LOGSTORE_PAGER": nil, "LV": nil, "TERM": "dumb", "COLUMNS": "200",
        ]
        for (k, v) in environment { env[k] = v }
        let r = try logstoreOnTerminal(["--db", db] + args, environment: env)
        XCTAssertEqual(r.status, status)
        return r.output.replacingOccurrences(of: "\r\n", with: "\n")
    }

    func plain() throws -> String { try logstore(["--db", db, "log"]).stdout }

    func testATerminalGetsTheLogThroughPAGER() throws {
        let shown = try onTerminal(["log"], environment: ["PAGER": "sed 's/^/paged: /'"])
        let expected = try plain().split(separator: "\n").map { "paged: \($0)\n" }.joined()
        XCTAssertEqual(shown, expected)
    }

    func testThePagerGetsLESSFRXUnlessLESSIsSet() throws {
        XCTAssertEqual(
            try onTerminal(["log"], environment: ["PAGER": "cat >/dev/null; echo \"LESS=$LESS\""]), "LESS=FRX\n")
        XCTAssertEqual(
            try onTerminal(["log"], environment: ["PAGER": "cat >/dev/null; echo \"LESS=$LESS\"", "LESS": "S"]),
            "LESS=S\n")
    }

    func testLOGSTORE_PAGERWinsAndCatOrEmptyOrNoPagerMeanNone() throws {
        XCTAssertEqual(
            try onTerminal(["log"], environment: ["PAGER": "sed 's/^/P: /'", "LOGSTORE_PAGER": "sed 's/^/L: /'"])
                .prefix(3), "L: ")
        let direct = try plain().replacingOccurrences(of: "\r\n", with: "\n")
        XCTAssertEqual(try onTerminal(["log"], environment: ["PAGER": "cat"]), direct)
        XCTAssertEqual(try onTerminal(["log"], environment: ["PAGER": ""]), direct)
        XCTAssertEqual(try onTerminal(["log", "--no-pager"], environment: ["PAGER": "sed 's/^/paged: /'"]), direct)
    }

    func testAPipeIsNeverPaged() throws {
        XCTAssertEqual(
            try logstore(["--db", db, "log"], environment: ["PAGER": "sed 's/^/paged: /'"]).stdout.prefix(5), "EPOCH")
    }

    /// The default pager: real `less` with LESS=FRX prints a log that fits on one screen and
    /// quits by itself.
    func testRealLessShowsAShortLogAndQuits() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/less") else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("less is not installed") }
            throw XCTSkip("less is not installed")
        }
        let shown = try onTerminal(["log"])
        for line in try plain().split(separator: "\n") { XCTAssertTrue(shown.contains(line), "\(line) in \(shown)") }
    }

    /// An error found before paging starts is printed alone, not under a pager.
    func testAnErrorIsNotPaged() throws {
        XCTAssertEqual(
            try onTerminal(["log", "--since", "someday"], environment: ["PAGER": "sed 's/^/paged: /'"], status: 64),
            "Error: invalid value 'someday' for --since EPOCH|TIME: expected an epoch number, or a date or time such as 2026-12-06 or 2026-12-06T10:00\n"
        )
    }
}
