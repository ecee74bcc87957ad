import Foundation
import XCTest

/// How the CLI talks on a terminal (Sources/logstore-cli/Output): colour only on a terminal
/// and only without NO_COLOR. Runs the binary under `script`, which gives it a pseudo-terminal.
final class TerminalTests: XCTestCase {
    func underTerminal(_ args: [String], environment: [String: String] = [:]) throws -> String {
        var env: [String: String?] = ["NO_COLOR": nil, "TERM": "xterm"]
        for (k, v) in environment { env[k] = v }
        return try logstoreOnTerminal(args, environment: env).output
    }

    func testErrorsAreColouredOnATerminal() throws {
        XCTAssertEqual(
            try underTerminal(["ls", "--bogus"]),
            "\u{1B}[1;31mError:\u{1B}[0m unknown option '--bogus' for 'ls' (see 'logstore help ls')\r\n")
    }

    func testNoColorTurnsColourOff() throws {
        XCTAssertEqual(
            try underTerminal(["ls", "--bogus"], environment: ["NO_COLOR": "1"]),
            "Error: unknown option '--bogus' for 'ls' (see 'logstore help ls')\r\n")
    }

    func testPipesNeverGetEscapes() throws {
        XCTAssertEqual(
            try logstore(["ls", "--bogus"]).stderr,
            "Error: unknown option '--bogus' for 'ls' (see 'logstore help ls')\n")
    }
}
