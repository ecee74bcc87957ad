import Foundation
import XCTest

/// The command-line grammar (Sources/logstore-cli/Parsing): help and version, option forms and
/// order, `--`, and the usage errors, each naming the argument that is wrong (exit 64).
final class ArgumentParsingTests: XCTestCase {
    static let overview = """
        OVERVIEW: logstore keeps visdom's plot data as an append-only log of epochs in one SQLite file.

        USAGE: logstore [--db PATH] <command> [<options>] [<arguments>]

        COMMANDS:
          import      Import visdom replay logs, env files and env_path directories.
          follow      Import a replay log as a training run writes it, until interrupted.
          ls          List the envs, or the windows of one env.
          log         Show the epochs, newest first: when, from where, and what changed.
          export      Print an env, or one of its windows, as visdom JSON.
          fork        Copy an env under a new name, as it is now or as it was after an epoch.
          compact     Seal series and epochs into compact blocks and reclaim space; optionally drop old history.
          backup      Write a consistent copy of the store to a new file, while writers go on.
          check       Verify the store: SQLite's integrity and LogStore's invariants.
          serve       Serve visdom's API (the Python client's calls and socket) from the store.
          completion  Print a shell completion script (bash, zsh or fish).
          help        Show the help of logstore or of one command.

        OPTIONS:
          --db PATH   The store (default: $LOGSTORE_DB, else ./logstore.db)
          -h, --help  Show this help
          --version   Show the version

        See 'logstore help <command>' for a command's options and an example.

        """

    func testHelpPrintsTheOverviewOnStdoutAndExitsZero() throws {
        for args in [["--help"], ["-h"], ["help"], ["--db", "x.db", "--help"]] {
            XCTAssertEqual(try logstore(args), CLIResult(stdout: Self.overview, stderr: "", status: 0), "\(args)")
        }
    }

    func testVersionPrintsTheVersionOnStdout() throws {
        XCTAssertEqual(try logstore(["--version"]), CLIResult(stdout: "logstore 0.2.0\n", stderr: "", status: 0))
    }

    func testEveryCommandHasAHelpPageWithAnExampleThatHelpCommandAlsoPrints() throws {
        for command in [
            "import", "follow", "ls", "log", "export", "fork", "compact", "backup", "check", "serve", "completion",
            "help",
        ] {
            let page = try logstore(["help", command])
            XCTAssertEqual(page.status, 0)
            XCTAssertEqual(page.stderr, "")
            XCTAssertTrue(page.stdout.hasPrefix("OVERVIEW: "), page.stdout)
            XCTAssertTrue(page.stdout.contains("\nUSAGE: logstore "), page.stdout)
            XCTAssertTrue(
                page.stdout.contains("\nEXAMPLE:\n  logstore ") || page.stdout.contains("\nEXAMPLES:\n  logstore "),
                page.stdout)
            guard command != "serve" else { continue }  // its --help is logstore-server's (ServeCommandTests)
            XCTAssertEqual(try logstore([command, "--help"]), page, command)
            XCTAssertEqual(try logstore([command, "-h"]), page, command)
        }
    }

    func testHelpWinsOverMistakesInTheOtherWords() throws {
        let page = try logstore(["help", "export"])
        XCTAssertEqual(try logstore(["export", "--bogus", "--limit", "--help"]), page)
    }

    func testHelpAfterDoubleDashIsAnArgument() throws {
        XCTAssertEqual(
            try logstore(["ls", "--", "--help"]),
            CLIResult(
                stdout: "", stderr: "Error: unexpected argument '--help' for 'ls' (see 'logstore help ls')\n",
                status: 64))
    }

    func testNoCommandIsAUsageError() throws {
        let expected = CLIResult(
            stdout: "",
            stderr:
                "Error: no command given (commands: import, follow, ls, log, export, fork, compact, backup, check, serve, completion, help; see 'logstore --help')\n",
            status: 64)
        XCTAssertEqual(try logstore([]), expected)
        XCTAssertEqual(try logstore(["--db", "x.db"]), expected)
    }

    /// Every list of commands comes from the one table: the overview's COMMANDS section.
    func testTheUnknownCommandMessageListsTheCommandsOfTheHelpPage() throws {
        let overview = try logstore(["help"]).stdout
        let section = try XCTUnwrap(
            overview.components(separatedBy: "COMMANDS:\n").last?.components(separatedBy: "\n\n").first)
        let names = section.split(separator: "\n").map { String($0.split(separator: " ")[0]) }
        XCTAssertEqual(names.count, 12)
        XCTAssertTrue(try logstore(["improt"]).stderr.hasSuffix("(commands: \(names.joined(separator: ", ")))\n"))
        XCTAssertTrue(try logstore([]).stderr.contains("(commands: \(names.joined(separator: ", "));"))
        XCTAssertTrue(try logstore(["help", "help"]).stdout.contains("USAGE: logstore help [COMMAND]"))
    }

    func testAMistypedCommandOrOptionGetsTheClosestSuggestion() throws {
        let all = "(commands: import, follow, ls, log, export, fork, compact, backup, check, serve, completion, help)"
        let cases: [([String], String)] = [
            (["improt"], "unknown command 'improt'; did you mean 'import'? \(all)"),
            (["imp"], "unknown command 'imp'; did you mean 'import'? \(all)"),
            (["exprot", "--env", "main"], "unknown command 'exprot'; did you mean 'export'? \(all)"),
            (["lgo"], "unknown command 'lgo'; did you mean 'log'? \(all)"),
            (["help", "folow"], "unknown command 'folow'; did you mean 'follow'? \(all)"),
            (["co"], "unknown command 'co' \(all)"),  // compact and completion: no single guess
            (["ls", "--evn", "x"], "unknown option '--evn' for 'ls'; did you mean '--env'? (see 'logstore help ls')"),
            (
                ["--bd", "x.db", "ls"],
                "unknown option '--bd' for 'logstore'; did you mean '--db'? (see 'logstore --help')"
            ),
        ]
        for (args, message) in cases {
            XCTAssertEqual(
                try logstore(args), CLIResult(stdout: "", stderr: "Error: \(message)\n", status: 64), "\(args)")
        }
    }

    func testUsageErrorsNameTheWrongArgumentAndExit64() throws {
        let cases: [([String], String)] = [
            (
                ["frobnicate"],
                "unknown command 'frobnicate' (commands: import, follow, ls, log, export, fork, compact, backup, check, serve, completion, help)"
            ),
            (
                ["help", "frobnicate"],
                "unknown command 'frobnicate' (commands: import, follow, ls, log, export, fork, compact, backup, check, serve, completion, help)"
            ),
            (["--verbose", "ls"], "unknown option '--verbose' for 'logstore' (see 'logstore --help')"),
            (["ls", "--bogus"], "unknown option '--bogus' for 'ls' (see 'logstore help ls')"),
            (["ls", "-l"], "unknown option '-l' for 'ls' (see 'logstore help ls')"),
            (["ls", "extra"], "unexpected argument 'extra' for 'ls' (see 'logstore help ls')"),
            (["ls", "--json=yes"], "--json takes no value, but was given 'yes'"),
            (["ls", "--env"], "--env needs a value: --env ENV"),
            (["ls", "--env", "--json"], "--env needs a value: --env ENV"),
            (["ls", "--env=a", "--env", "b"], "--env is given more than once"),
            (["--db"], "--db needs a value: --db PATH"),
            (["--db=", "ls"], "invalid value '' for --db PATH: expected a non-empty value"),
            (["--db", "a.db", "ls", "--db", "b.db"], "--db is given more than once"),
            (["log", "--limit", "ten"], "invalid value 'ten' for --limit N: expected a whole number >= 0"),
            (["log", "--limit=-1"], "invalid value '-1' for --limit N: expected a whole number >= 0"),
            (["export"], "export needs --env ENV"),
            (["export", "--window", "w"], "export needs --env ENV"),
            (["import"], "import needs at least one PATH"),
            (["follow"], "follow needs a PATH"),
            (
                ["follow", "a.jsonl", "b.jsonl"],
                "unexpected argument 'b.jsonl' for 'follow' (see 'logstore help follow')"
            ),
            (["help", "ls", "log"], "unexpected argument 'log' for 'help' (see 'logstore help help')"),
            (["help", "--db", "x.db"], "unknown option '--db' for 'help' (see 'logstore help help')"),
        ]
        for (args, message) in cases {
            XCTAssertEqual(
                try logstore(args), CLIResult(stdout: "", stderr: "Error: \(message)\n", status: 64), "\(args)")
        }
    }

    func testOptionsMayComeAfterArgumentsAndTakeTheirValueAfterAnEqualsSign() throws {
        let dir = try temporaryDirectory(self)
        let log = try writeLines([Lines.create()], to: "l.jsonl", in: dir)
        let db = dir.appendingPathComponent("s.db").path
        XCTAssertEqual(try logstore(["import", log, "--db=\(db)"]).status, 0)
        let a = try logstore(["export", "--env=main", "--window", "w", "--db", db])
        let b = try logstore(["--db", db, "export", "--window=w", "--env", "main"])
        XCTAssertEqual(a.status, 0)
        XCTAssertEqual(a, b)
    }

    /// visdom names envs and windows anything, "" and "--x" included, and check.py passes them
    /// as separate words: `export --env ENV --window WIN` takes the next word as it is.
    func testExportTakesAnyEnvAndWindowNameAsItIs() throws {
        let dir = try temporaryDirectory(self)
        let log = try writeLines([Lines.create("", env: ""), Lines.create("--x", env: "--e")], to: "l.jsonl", in: dir)
        let db = dir.appendingPathComponent("s.db").path
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
        for (env, win) in [("", ""), ("--e", "--x")] {
            let r = try logstore(["--db", db, "export", "--env", env, "--window", win])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains(#""id": "\#(win)""#), r.stdout)
        }
        XCTAssertEqual(try logstore(["--db", db, "export", "--env", "", "--window", "nope"]).status, 1)
    }

    func testDoubleDashEndsTheOptions() throws {
        let dir = try temporaryDirectory(self)
        try writeLines([Lines.create()], to: "--odd.jsonl", in: dir)
        let r = try logstore(["--db", "s.db", "import", "--", "--odd.jsonl"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(
            normalizingSeconds(r.stderr), "imported 1 message, 1 point, 1 env (0 refused, 0 failed, 0 skipped) in T s\n"
        )
    }
}
