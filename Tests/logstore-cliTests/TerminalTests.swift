import Foundation
import XCTest

/// How the CLI talks on a terminal (Sources/logstore-cli/Output): colour only on a terminal
/// and only without NO_COLOR. Runs the binary under `script`, which gives it a pseudo-terminal.
final class TerminalTests: XCTestCase {
    func underTerminal(_ args: [String], environment: [String: String] = [:]) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("no script(1)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = ([productsDirectory.appendingPathComponent("logstore").path] + args).map { "'\($0)'" }.joined(separator: " ")
        p.arguments = ["-qec", command, "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        env["TERM"] = "xterm"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func testErrorsAreColouredOnATerminal() throws {
        XCTAssertEqual(try underTerminal(["ls", "--bogus"]),
                       "\u{1B}[1;31mError:\u{1B}[0m unknown option '--bogus' for 'ls' (see 'logstore help ls')\r\n")
    }

    func testNoColorTurnsColourOff() throws {
        XCTAssertEqual(try underTerminal(["ls", "--bogus"], environment: ["NO_COLOR": "1"]),
                       "Error: unknown option '--bogus' for 'ls' (see 'logstore help ls')\r\n")
    }

    func testPipesNeverGetEscapes() throws {
        XCTAssertEqual(try logstore(["ls", "--bogus"]).stderr, "Error: unknown option '--bogus' for 'ls' (see 'logstore help ls')\n")
    }
}
