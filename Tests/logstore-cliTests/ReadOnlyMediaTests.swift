import Foundation
import XCTest

/// A store on a read-only file system (an archived run, a dataset mount) with only its store
/// file present: `ls`, `log`, `export` and `check` read it as they read the original, and a
/// command that writes says the store is read-only. The file system is a real read-only mount
/// (tmpfs remounted `ro`), so the test needs root and mount(8); without them it is skipped,
/// saying why. CI runs as root.
final class ReadOnlyMediaTests: XCTestCase {
    var dir: URL!
    var mountPoint: URL!
    var original: String { dir.appendingPathComponent("s.db").path }
    var archived: String { mountPoint.appendingPathComponent("s.db").path }

    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    /// Mounts a tmpfs at `mountPoint`, puts `files` (name → source path) on it, and remounts it
    /// read-only; unmounted at teardown.
    func readOnlyMount(with files: [String: String]) throws {
        guard geteuid() == 0 else { throw XCTSkip("a read-only mount needs root (this test runs as uid \(geteuid()))") }
        guard let mount = ["/usr/bin/mount", "/bin/mount"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("mount(8) is not installed")
        }
        let mounted = try run(mount, ["-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint.path])
        guard mounted.status == 0 else {
            throw XCTSkip("cannot mount a tmpfs here (no mount capability?): \(mounted.output)")
        }
        addTeardownBlock { [mountPoint] in
            for umount in ["/usr/bin/umount", "/bin/umount"] where FileManager.default.isExecutableFile(atPath: umount)
            {
                _ = try? self.run(umount, [mountPoint!.path])
                break
            }
        }
        for (name, source) in files {
            try FileManager.default.copyItem(atPath: source, toPath: mountPoint.appendingPathComponent(name).path)
        }
        let remounted = try run(mount, ["-o", "remount,ro", mountPoint.path])
        XCTAssertEqual(remounted.status, 0, remounted.output)
        XCTAssertFalse(
            FileManager.default.createFile(atPath: mountPoint.appendingPathComponent("probe").path, contents: nil),
            "the mount is read-only")
    }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        mountPoint = dir.appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let log = try writeLines(
            [Lines.create(), Lines.append(1), Lines.create("v", env: "eval"), Lines.append(2, win: "v", env: "eval")],
            to: "run.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", original, "import", log]).status, 0)
    }

    /// What the read-only commands print for the store at `path`.
    func reads(_ path: String) throws -> [CLIResult] {
        try [
            ["ls"], ["ls", "--json"], ["ls", "--env", "eval"], ["log", "--json"], ["check"],
            ["export", "--env", "main"], ["export", "--env", "eval", "--window", "v"],
            ["export", "--env", "main", "--as-of", "1"],
        ]
        .map { try logstore(["--db", path] + $0) }
    }

    func testTheStoreFileAloneOnAReadOnlyMountIsReadByLsLogExportAndCheck() throws {
        try readOnlyMount(with: ["s.db": original])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mountPoint.path), ["s.db"])
        let expected = try reads(original)
        XCTAssertTrue(expected.allSatisfy { $0.status == 0 })
        XCTAssertEqual(try reads(archived), expected)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: mountPoint.path), ["s.db"], "nothing was created")
    }

    func testACommandThatWritesSaysTheStoreIsReadOnly() throws {
        try readOnlyMount(with: ["s.db": original])
        let log = try writeLines([Lines.create("new")], to: "more.jsonl", in: dir)
        let r = try logstore(["--db", archived, "import", log])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(
            r.stderr.hasSuffix("Error: \(archived): the store is read-only (it can be read, not written)\n"), r.stderr)
        XCTAssertEqual(try reads(archived), try reads(original))
    }

    func testAWALFileWithContentOnReadOnlyMediaIsNamedNotIgnored() throws {
        // the store file with a -wal that may hold commits, but no -shm: SQLite cannot read the
        // -wal, and reading without it could miss commits
        let wal = try writeLines(["not empty"], to: "s.db-wal", in: dir)
        try readOnlyMount(with: ["s.db": original, "s.db-wal": wal])
        let r = try logstore(["--db", archived, "ls"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(
            r.stderr,
            "Error: \(archived): on read-only media with a \(archived)-wal file that may hold commits the store file "
                + "lacks; copy the store's files to writable storage to read them\n")
    }
}
