import Foundation
import XCTest

/// `logstore log`: epochs newest first, as a table or JSON lines, filtered and limited.
final class LogCommandTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }
    var log: String!

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        try writeLines([
            Lines.create(),
            Lines.append(1),
            #"["update", {"data": [{"x": [1], "y": [1]}], "win": "missing", "eid": "other", "append": true}]"#,
        ], to: "l.jsonl", in: dir)
        log = "l.jsonl"
        XCTAssertEqual(try logstore(["--db", db, "import", "l.jsonl"], cwd: dir).status, 0)
    }

    /// The time column, which differs from run to run, replaced by `TIME`.
    func withoutTimes(_ text: String) -> String {
        text.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"#, with: "TIME", options: .regularExpression)
    }

    func testTheLogListsEpochsNewestFirstWithSourceAndWhatChanged() throws {
        let r = try logstore(["--db", db, "log"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(withoutTimes(r.stdout), """
            EPOCH  TIME                      SOURCE     ENDPOINT  ENV    WINDOW   STATUS
                3  TIME  l.jsonl:3  update    other  missing  failed: KeyError('other')
                2  TIME  l.jsonl:2  update    main   w        ok
                1  TIME  l.jsonl:1  events    main   w        ok
                0  TIME  init       create    main   -        ok

            """)
    }

    func testJSONHasEpochTimeSourceAndWhatChangedOnEachLine() throws {
        let r = try logstore(["--db", db, "log", "--json", "--limit", "2"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(withoutTimes(r.stdout), """
            {"epoch": 3, "time": "TIME", "source": "\(log!):3", "endpoint": "update", "env": "other", "window": "missing", "status": "failed", "detail": "KeyError('other')"}
            {"epoch": 2, "time": "TIME", "source": "\(log!):2", "endpoint": "update", "env": "main", "window": "w", "status": "ok", "detail": "w"}

            """)
    }

    func testTimesAreISO8601InUTCWithMilliseconds() throws {
        let r = try logstore(["--db", db, "log", "--json", "--limit", "1"])
        let time = try XCTUnwrap(r.stdout.firstMatch(of: /"time": "([^"]+)"/)?.1)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try XCTUnwrap(formatter.date(from: String(time)), String(time))
        XCTAssertLessThan(abs(date.timeIntervalSinceNow), 600)
    }

    func testEnvAndLimitFilter() throws {
        let r = try logstore(["--db", db, "log", "--env", "main", "--limit", "1", "--json"])
        XCTAssertEqual(withoutTimes(r.stdout), """
            {"epoch": 2, "time": "TIME", "source": "\(log!):2", "endpoint": "update", "env": "main", "window": "w", "status": "ok", "detail": "w"}

            """)
        XCTAssertEqual(try logstore(["--db", db, "log", "--limit", "0", "--json"]), CLIResult(stdout: "", stderr: "", status: 0))
        XCTAssertEqual(try logstore(["--db", db, "log", "--env", "nope", "--json"]), CLIResult(stdout: "", stderr: "", status: 0))
    }

    func testRefusedAndFailedEpochsShowTheirDetail() throws {
        let bad = try writeLines([#"["events", {"data": [{"x": [1], "y": [2], "type": "scatter"}], "win": "nolayout", "eid": "main", "opts": {}}]"#],
                                 to: "bad.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", bad]).status, 0)
        let r = try logstore(["--db", db, "log", "--limit", "1"])
        XCTAssertTrue(r.stdout.hasSuffix("  events    main  nolayout  failed: KeyError('layout')\n"), r.stdout)
        XCTAssertTrue(try logstore(["--db", db, "log", "--limit", "1", "--json"]).stdout
            .hasSuffix(#""status": "failed", "detail": "KeyError('layout')"}"# + "\n"))
    }
}
