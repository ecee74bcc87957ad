import Foundation
import XCTest

/// Runs the built `logstore` binary, as a user would, and captures what it printed.
struct CLIResult: Equatable {
    var stdout: String
    var stderr: String
    var status: Int32
}

/// The directory holding the built products (next to the test bundle).
let productsDirectory: URL = {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
}()

let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func logstore(_ arguments: [String], environment: [String: String] = [:], cwd: URL? = nil) throws -> CLIResult {
    let process = Process()
    process.executableURL = productsDirectory.appendingPathComponent("logstore")
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["LOGSTORE_DB"] = nil
    for (k, v) in environment { env[k] = v }
    process.environment = env
    if let cwd { process.currentDirectoryURL = cwd }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(
        stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self),
        status: process.terminationStatus)
}

func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logstore-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}

/// The import summary line with its duration replaced by `T`, so it can be compared exactly.
func normalizingSeconds(_ text: String) -> String {
    text.replacingOccurrences(of: #"in \d+\.\d\d s\n"#, with: "in T s\n", options: .regularExpression)
}

/// Writes `lines`, each followed by a newline, to `name` in `dir`; returns its path.
@discardableResult
func writeLines(_ lines: [String], to name: String, in dir: URL) throws -> String {
    let url = dir.appendingPathComponent(name)
    try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
    return url.path
}

/// Appends `text` to the file at `path`.
func append(_ text: String, to path: String) throws {
    let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
}

/// Replay log lines for a line plot `w` in env `env`: one `events` and then appends.
enum Lines {
    static func create(_ win: String = "w", env: String = "main", x: [Int] = [0], y: [Int] = [0]) -> String {
        #"["events", {"data": [{"x": \#(x), "y": \#(y), "name": "a", "type": "scatter"}], "win": "\#(win)", "eid": "\#(env)", "layout": {}, "opts": {"title": "\#(win)"}}]"#
    }
    static func append(_ i: Int, win: String = "w", env: String = "main") -> String {
        #"["update", {"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "\#(win)", "eid": "\#(env)", "append": true}]"#
    }
}

/// Runs `executable` with `arguments` and `environment` (nil: this process's), stdin empty;
/// returns its stdout and exit status (its stderr passes through).
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (
    stdout: String, status: Int32
) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = environment }
    let out = Pipe()
    p.standardOutput = out
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), p.terminationStatus)
}

/// Runs the built `logstore ARGS` on a pseudo-terminal (script(1) gives it one), with this
/// process's environment changed by `environment` (a nil value unsets); returns what the
/// terminal showed and the exit status.
func logstoreOnTerminal(_ args: [String], environment: [String: String?]) throws -> (output: String, status: Int32) {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("no script(1)") }
    let command = ([productsDirectory.appendingPathComponent("logstore").path] + args).map { "'\($0)'" }.joined(
        separator: " ")
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    let r = try runProcess("/usr/bin/script", ["-qec", command, "/dev/null"], environment: env)
    return (r.stdout, r.status)
}

/// A running `logstore`, started without waiting, its stderr going to a file; ended by
/// `stop` (a signal) or, if still running when released, terminated.
final class RunningLogstore {
    let process = Process()
    let stderrFile: URL

    init(_ arguments: [String], in dir: URL) throws {
        stderrFile = dir.appendingPathComponent("logstore-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = productsDirectory.appendingPathComponent("logstore")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["LOGSTORE_DB"] = nil
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    /// Waits (up to 20 s) until the process handles or ignores SIGINT and SIGTERM (its
    /// `/proc/PID/status` says so), so a signal sent now tests the command, not start-up.
    func waitUntilItCatchesSignals(file: StaticString = #filePath, line: UInt = #line) throws {
        let wanted: UInt64 = (1 << (UInt64(SIGINT) - 1)) | (1 << (UInt64(SIGTERM) - 1))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning {
            let status =
                (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
            var mask: UInt64 = 0
            for field in ["SigCgt:", "SigIgn:"] {
                if let l = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
                    let v = UInt64(l.dropFirst(field.count).trimmingCharacters(in: .whitespaces), radix: 16)
                {
                    mask |= v
                }
            }
            if mask & wanted == wanted { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTFail("the process never caught SIGINT and SIGTERM", file: file, line: line)
    }

    /// Sends `signal` (unless it already exited) and waits; returns the exit status and stderr.
    func stop(_ signal: Int32 = SIGTERM) throws -> (status: Int32, stderr: String) {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: stderrFile), as: UTF8.self))
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
