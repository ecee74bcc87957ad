import XCTest

@testable import VisdomService

/// `OriginPolicy`: which Host and Origin headers are served (the built server's answers are
/// tested by scripts/server-tests/hardening_tests.py).
final class OriginPolicyTests: XCTestCase {
    let policy = OriginPolicy(
        boundHost: "127.0.0.1", allowedHosts: ["vis.lab"], allowedOrigins: ["http://dash.lab:8080/"])

    func status(_ headers: [(name: String, value: String)], method: String = "POST", upgrade: Bool = false) -> Int {
        policy.refusal(method: method, headers: headers, isUpgrade: upgrade)?.status ?? 200
    }

    func testHostMustNameThisServer() {
        for host in [
            "127.0.0.1:8097", "localhost", "LOCALHOST:1", "app.localhost:8097", "[::1]:8097", "10.1.2.3", "vis.lab:80",
        ] {
            XCTAssertEqual(status([("Host", host)], method: "GET"), 200, host)
        }
        for host in [
            "evil.example", "evil.example:8097", "127.0.0.1.evil.example", "localhost.evil.example", "vis.lab.evil",
        ] {
            XCTAssertEqual(status([("Host", host)], method: "GET"), 403, host)
        }
        XCTAssertEqual(status([], method: "GET"), 200, "HTTP/1.0 without Host")
        XCTAssertEqual(
            OriginPolicy(boundHost: "0.0.0.0", allowedHosts: ["*"]).refusal(
                method: "GET", headers: [("Host", "anything.example")], isUpgrade: false)?.status, nil)
    }

    func testWritesAndUpgradesMustComeFromThisServer() {
        let host: (name: String, value: String) = ("Host", "127.0.0.1:8097")
        XCTAssertEqual(status([host]), 200, "no Origin: the Python client")
        XCTAssertEqual(status([host, ("Origin", "http://127.0.0.1:8097")]), 200, "the served page")
        XCTAssertEqual(status([host, ("Origin", "http://dash.lab:8080")]), 200, "--allow-origin")
        XCTAssertEqual(status([host, ("Origin", "http://evil.example")]), 403)
        XCTAssertEqual(status([host, ("Origin", "http://127.0.0.1:8098")]), 403, "another port is another origin")
        XCTAssertEqual(status([host, ("Origin", "null")]), 403)
        XCTAssertEqual(status([host, ("Sec-Fetch-Site", "cross-site")]), 403)
        XCTAssertEqual(status([host, ("Sec-Fetch-Site", "same-origin"), ("Origin", "http://127.0.0.1:8097")]), 200)
        XCTAssertEqual(status([host, ("Origin", "http://evil.example")], method: "GET"), 200, "a plain read")
        XCTAssertEqual(
            status([host, ("Origin", "http://evil.example")], method: "GET", upgrade: true), 403, "a socket")
    }
}
