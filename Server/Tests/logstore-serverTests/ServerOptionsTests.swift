import Foundation
import XCTest

/// `logstore-server`'s command line (`ServerOptions.swift`), through the built binary.
final class ServerOptionsTests: XCTestCase {
    struct Run: Equatable {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// The built `logstore-server`, next to the test bundle.
    let binary: URL = {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("logstore-server")
        }
        return Bundle.main.bundleURL.appendingPathComponent("logstore-server")
    }()

    func process(_ arguments: [String], environment: [String: String]) -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for name in ["LOGSTORE_DB", "LOGSTORE_TOKEN", "VISDOM_USERNAME", "VISDOM_PASSWORD"] { env[name] = nil }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        return (process, out, err)
    }

    /// Runs the server with `arguments` to its end (a refused command line ends it at once).
    func server(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let (p, out, err) = process(arguments, environment: environment)
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(
            stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self),
            status: p.terminationStatus)
    }

    static let options = [
        "--db", "--host", "--port", "--durability", "--max-body-size", "--base-url", "--token", "--enable-login",
        "--allow-host", "--allow-origin", "--header-timeout", "--body-timeout", "--idle-timeout", "--max-connections",
        "--static", "--display-max-points", "--use-polling",
    ]

    func testHelpListsEveryOption() throws {
        let r = try server(["--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(r.stdout.hasPrefix("OVERVIEW: Serve visdom 0.2.4's API"), r.stdout)
        XCTAssertTrue(r.stdout.contains("USAGE: logstore-server "), r.stdout)
        for name in Self.options {
            XCTAssertTrue(r.stdout.contains("  \(name) ") || r.stdout.contains("  \(name)\n"), name)
        }
        XCTAssertEqual(try server(["-h"]), r)
    }

    /// A command line the server refuses: one `Error:` line naming the option (the usage
    /// follows), nothing on stdout, exit 64; nothing is opened or created.
    func testErrorsNameTheOption() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("server-options-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("never.db").path
        let cases: [([String], String)] = [
            (["--prot", "1"], "Error: Unknown option '--prot'. Did you mean '--port'?"),
            (["--port"], "Error: Missing value for '--port <n>'"),
            (["--port", "x"], "Error: The value 'x' is invalid for '--port <n>'"),
            (["--port", "70000"], "Error: --port: 70000 is not in 0...65535"),
            (
                ["--durability", "fast"],
                "Error: The value 'fast' is invalid for '--durability <mode>'. Please provide one of 'normal' and 'full'."
            ),
            (["--header-timeout", "0"], "Error: --header-timeout: 0 is not in 1...86400"),
            (["--max-body-size", "0"], "Error: --max-body-size: 0 is not in 1...2147483647"),
            (["--base-url", "v/"], "Error: --base-url: 'v/' must start with / and not end with /"),
            (["--token", ""], "Error: --token: the token is empty"),
            (["--enable-login"], "Error: --enable-login needs $VISDOM_USERNAME and $VISDOM_PASSWORD"),
            (["stray"], "Error: Unexpected argument 'stray'"),
        ]
        for (arguments, line) in cases {
            let r = try server(["--db", db] + arguments)
            XCTAssertEqual(r.status, 64, "\(arguments)")
            XCTAssertEqual(r.stdout, "", "\(arguments)")
            XCTAssertEqual(r.stderr.split(separator: "\n").first.map(String.init), line, "\(arguments)")
            XCTAssertTrue(r.stderr.contains("Usage: logstore-server "), "\(arguments)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: db))
    }

    /// `logstore serve` puts the store's `--db` first: a later one wins. The store's path and
    /// the options taken show in the line the server prints once it listens.
    func testALaterValueWinsAndTheEnvironmentFillsDefaults() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("server-options-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let (a, b) = (dir.appendingPathComponent("a.db").path, dir.appendingPathComponent("b.db").path)
        XCTAssertTrue(
            try firstLine(["--db", a, "--db", b, "--port", "0", "--durability", "normal"]).hasPrefix(
                "logstore-server: serving \(b) on http://127.0.0.1:"))
        let line = try firstLine(
            ["--port", "0", "--base-url", "/v"], environment: ["LOGSTORE_DB": a, "LOGSTORE_TOKEN": "t"])
        XCTAssertTrue(line.hasPrefix("logstore-server: serving \(a) on http://127.0.0.1:"), line)
        XCTAssertTrue(line.hasSuffix("/v (durability full, bearer token)"), line)
    }

    /// Starts the server, returns the first line it prints on stdout, and stops it (SIGTERM).
    func firstLine(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let (p, out, _) = process(arguments, environment: environment)
        try p.run()
        var bytes: [UInt8] = []
        while !bytes.contains(10) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            bytes += chunk
        }
        p.terminate()
        p.waitUntilExit()
        return String(decoding: bytes.prefix { $0 != 10 }, as: UTF8.self)
    }
}
