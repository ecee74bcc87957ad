import Foundation
import XCTest

/// `logstore completion bash|zsh|fish`: each script, loaded into the real shell, completes
/// what the command table holds. A shell that is not installed skips its test, except under
/// CI (scripts/ensure-deps.sh --for-tests installs them).
final class CompletionCommandTests: XCTestCase {
    func shell(_ name: String) throws -> String {
        for dir in ["/usr/bin", "/bin", "/usr/local/bin"]
        where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("\(name) is not installed") }
        throw XCTSkip("\(name) is not installed")
    }

    /// Runs `script` in `shell` with the built logstore first on PATH; returns stdout.
    func run(_ shell: String, _ arguments: [String]) throws -> String {
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = productsDirectory.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["HOME"] = try temporaryDirectory(self).path
        let r = try runProcess(shell, arguments, environment: env)
        XCTAssertEqual(r.status, 0, "\(shell) \(arguments)")
        return r.stdout
    }

    /// The command names of `logstore --help`.
    func commandNames() throws -> [String] {
        let overview = try logstore(["--help"]).stdout
        let section = try XCTUnwrap(
            overview.components(separatedBy: "COMMANDS:\n").last?.components(separatedBy: "\n\n").first)
        return section.split(separator: "\n").map { String($0.split(separator: " ")[0]) }
    }

    func testBashCompletesCommandsOptionsAndTheirValues() throws {
        let bash = try shell("bash")
        let probe = """
            source <(logstore completion bash)
            for line in "logstore " "logstore imp" "logstore --db x.db ex" "logstore export --" "logstore import --durability " \\
                        "logstore help comp" "logstore completion " "logstore export --format " "logstore --ver"; do
              read -ra COMP_WORDS <<< "$line"
              [[ $line == *" " ]] && COMP_WORDS+=("")
              COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
              _logstore
              echo "$line|${COMPREPLY[*]}"
            done
            """
        let lines = try run(bash, ["-c", probe]).split(separator: "\n").map(String.init)
        XCTAssertEqual(
            lines,
            [
                "logstore |" + (try commandNames()).joined(separator: " "),
                "logstore imp|import",
                "logstore --db x.db ex|export",
                "logstore export --|--env --window --output --pretty --as-of --since --max-points --format --db --help",
                "logstore import --durability |normal full",
                "logstore help comp|compact completion",
                "logstore completion |bash zsh fish",
                "logstore export --format |json csv jsonl",
                "logstore --ver|--version",
            ])
    }

    func testFishCompletesCommandsOptionsAndTheirValues() throws {
        let fish = try shell("fish")
        let probe = """
            logstore completion fish | source
            for line in "logstore imp" "logstore --db x.db ex" "logstore import --dur" "logstore import --durability " "logstore help comp"
              echo "$line|"(complete -C "$line" | string replace -r '\\t.*' '' | string join ' ')
            end
            """
        let lines = try run(fish, ["-c", probe]).split(separator: "\n").map(String.init)
        XCTAssertEqual(
            lines,
            [
                "logstore imp|import",
                "logstore --db x.db ex|export",
                "logstore import --dur|--durability",
                "logstore import --durability |full normal",
                "logstore help comp|compact completion",
            ])
        let all = try run(
            fish, ["-c", "logstore completion fish | source; complete -C 'logstore ' | string replace -r '\\t.*' ''"])
        XCTAssertEqual(Set(all.split(separator: "\n").map(String.init)), Set(try commandNames()))
    }

    /// zsh: the script parses, registers itself with compinit, and names every command and
    /// every option of the table in its specs.
    func testZshScriptLoadsAndRegistersWithCompinit() throws {
        let zsh = try shell("zsh")
        let dir = try temporaryDirectory(self)
        let file = dir.appendingPathComponent("_logstore")
        try Data(try logstore(["completion", "zsh"]).stdout.utf8).write(to: file)
        XCTAssertEqual(try run(zsh, ["-n", file.path]), "")
        let registered = try run(
            zsh,
            [
                "-c",
                "autoload -Uz compinit; compinit -u -d \(dir.path)/zcd; source \(file.path); print -r -- ${_comps[logstore]}",
            ])
        XCTAssertEqual(registered, "_logstore\n")
        let script = try String(contentsOf: file, encoding: .utf8)
        for name in try commandNames() {
            XCTAssertTrue(script.contains("    '\(name):"), name)
            XCTAssertTrue(script.contains("    '\(name)') _arguments"), name)
        }
        XCTAssertTrue(script.contains("'--format[") && script.contains(":FORMAT:(json csv jsonl)'"))
    }

    /// zsh completes for real: an interactive zsh on a pseudo-terminal (python's pty) with
    /// compinit and the script loaded, sent a partial line and a Tab; what the line became,
    /// or the list zsh showed, is compared.
    func testZshCompletesOnAnInteractiveShell() throws {
        let zsh = try shell("zsh")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { throw XCTSkip("no python3") }
        let dir = try temporaryDirectory(self)
        let file = dir.appendingPathComponent("_logstore")
        try Data(try logstore(["completion", "zsh"]).stdout.utf8).write(to: file)
        let driver = #"""
            import os, pty, re, select, sys, time
            zsh, script, path = sys.argv[1:4]
            pid, fd = pty.fork()
            if pid == 0:
                os.environ["PATH"] = path
                os.environ["TERM"] = "dumb"
                os.execv(zsh, [zsh, "-f", "-i"])
            def read(seconds, until=None):
                # Until `seconds` pass, or `until` (a regex) matches, or (without it) 2 s after the last
                # byte once some came.
                out, end, last = b"", time.time() + seconds, None
                while time.time() < end and (last is None or until is not None or time.time() - last < 2):
                    if until is not None and re.search(until, out, re.S):
                        break
                    if select.select([fd], [], [], 0.05)[0]:
                        try:
                            out += os.read(fd, 4096)
                            last = time.time()
                        except OSError:
                            break
                return out.decode(errors="replace")
            os.write(fd, ("PS1='> '; autoload -Uz compinit; compinit -u -D; source " + script + "; print RE''ADY\n").encode())
            read(60, until=rb"READY\r\n.*> ")  # the line editor is waiting at its prompt
            for line in sys.argv[4:]:
                os.write(fd, line.encode() + b"\t")
                shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", read(20)).replace("\x07", "").replace("\r", "")
                shown = " ".join(l.removeprefix("> ") for l in shown.split("\n")[0:2]).strip()
                print(line + "|" + shown.removeprefix("> "))
                os.write(fd, b"\x15")
                read(0.3)
            os.write(fd, b"exit\n")
            """#
        let path = productsDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let r = try runProcess(
            "/usr/bin/python3",
            [
                "-c", driver, zsh, file.path, path, "logstore imp", "logstore --db x.db ex",
                "logstore import --dur", "logstore import --durability n", "logstore help comp",
            ])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(
            r.stdout.split(separator: "\n").map(String.init),
            [
                "logstore imp|logstore import",
                "logstore --db x.db ex|logstore --db x.db export",
                "logstore import --dur|logstore import --durability",
                "logstore import --durability n|logstore import --durability normal",
                "logstore help comp|logstore help comp compact     completion",
            ])
    }

    func testAnUnknownShellIsAUsageError() throws {
        XCTAssertEqual(
            try logstore(["completion", "tcsh"]),
            CLIResult(
                stdout: "", stderr: "Error: invalid value 'tcsh' for completion SHELL: expected bash, zsh or fish\n",
                status: 64))
    }
}
