import Foundation
import LogStore

/// `logstore compact [--before EPOCH | --keep-last N | --older-than AGE]`: seals (keeping all
/// history), or drops history first.
enum CompactCommand: Command {
    static let spec = CommandSpec(
        name: "compact",
        abstract: "Seal series and epochs into compact blocks and reclaim space; optionally drop old history.",
        discussion: """
            Without --before, keeps all history: rewrites each series' runs of small segments
            as sealed blocks that remember every value's epoch, and each run of epochs as one
            record that keeps every field of each, so every export, as of every epoch, and the
            log stay byte-identical. With --before EPOCH, first removes closed, replaced
            and deleted windows and envs that were gone by EPOCH, superseded versions, and
            merges each series' values up to EPOCH into one; exports as of EPOCH or later stay
            byte-identical, exports as of earlier epochs are refused afterwards. --keep-last N
            keeps the history of the last N epochs (--before the newest epoch - N + 1);
            --older-than AGE (30d, 12h, 90m, 45s) drops the history of epochs older than AGE
            (--before the first epoch written since then). Prints what it did and the bytes
            reclaimed.
            """,
        options: [
            .init(
                name: "--before", valueName: "EPOCH", help: "Drop the history before EPOCH (default: keep all history)"),
            .init(name: "--keep-last", valueName: "N", help: "Drop the history of all but the last N epochs"),
            .init(
                name: "--older-than", valueName: "AGE",
                help: "Drop the history of epochs older than AGE: 30d, 12h, 90m or 45s"),
            CommandSpec.durabilityOption,
        ],
        examples: ["logstore compact", "logstore compact --before 10000", "logstore compact --older-than 30d"])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let given = ["--before", "--keep-last", "--older-than"].filter { arguments.value($0) != nil }
        guard given.count <= 1 else { throw CommandFailure("\(given.joined(separator: " and ")): give one of them") }
        let keepLast = try arguments.count("--keep-last")
        let age = try arguments.value("--older-than").map(ageMS)
        guard FileManager.default.fileExists(atPath: context.db) else {
            throw CommandFailure("\(context.db): no such file")
        }
        // Ctrl-C or SIGTERM lets the compaction finish, then the store closes.
        let signals = StopSignals()
        let store = try context.openStore(durability: try arguments.durability())
        defer {
            store.close()
            withExtendedLifetime(signals) {}
        }
        var before = try arguments.epoch("--before")
        if let keepLast { before = max(0, try store.lastEpoch - Int64(keepLast) + 1) }
        if let age {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            before = try store.firstEpoch(writtenSince: now - age) ?? (try store.lastEpoch)
        }
        let r = try before.map { try store.compact(before: $0) } ?? store.seal()
        let dropped =
            r.before.map {
                "compacted history before epoch \($0): \(r.epochsCompacted) epochs compacted, \(r.rowsDeleted) rows deleted, "
                    + "\(r.segmentsMerged) segments merged (\(r.blocksRewritten) blocks rewritten), "
            }
            ?? "kept all history: "
        context.stdout.write(
            dropped
                + "\(r.segmentsSealed) segments sealed into \(r.blocksWritten) blocks, "
                + "\(r.epochsSealed) epochs sealed into \(r.epochRunsWritten) runs, \(Format.bytes(r.bytesReclaimed)) reclaimed (\(Format.bytes(r.bytesBefore)) -> \(Format.bytes(r.bytesAfter)))\n"
        )
        return 0
    }

    /// `30d`, `12h`, `90m`, `45s` in milliseconds.
    static func ageMS(_ text: String) throws -> Int64 {
        let units: [Character: Int64] = ["d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000]
        guard let unit = text.last.flatMap({ units[$0] }), let n = Int64(text.dropLast()), n >= 0,
            text.dropLast().allSatisfy(\.isASCII)
        else {
            throw CommandFailure("--older-than \(text): expected a number and a unit, such as 30d, 12h, 90m or 45s")
        }
        return n * unit
    }
}
