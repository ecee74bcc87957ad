import Foundation
import LogStore

/// `logstore compact [--before EPOCH]`: seals (keeping all history), or drops history first.
enum CompactCommand: Command {
    static let spec = CommandSpec(
        name: "compact",
        abstract: "Seal series into compact blocks and reclaim space; optionally drop old history.",
        discussion: """
            Without --before, keeps all history: rewrites each series' runs of small segments
            as sealed blocks that remember every value's epoch, so every export, as of every
            epoch, stays byte-identical. With --before EPOCH, first removes closed, replaced
            and deleted windows and envs that were gone by EPOCH, superseded versions, and
            merges each series' values up to EPOCH into one; exports as of EPOCH or later stay
            byte-identical, exports as of earlier epochs are refused afterwards. Prints what it
            did and the bytes reclaimed.
            """,
        options: [
            .init(name: "--before", valueName: "EPOCH", help: "Drop the history before EPOCH (default: keep all history)"),
            CommandSpec.durabilityOption,
        ],
        examples: ["logstore compact", "logstore compact --before 10000"])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let before = try arguments.epoch("--before")
        guard FileManager.default.fileExists(atPath: context.db) else { throw CommandFailure("\(context.db): no such file") }
        // Ctrl-C or SIGTERM lets the compaction finish, then the store closes.
        let signals = StopSignals()
        let store = try context.openStore(durability: try arguments.durability())
        defer {
            store.close()
            withExtendedLifetime(signals) {}
        }
        let r = try before.map { try store.compact(before: $0) } ?? store.seal()
        let dropped = r.before.map { "compacted history before epoch \($0): \(r.rowsDeleted) rows deleted, \(r.segmentsMerged) segments merged, " }
            ?? "kept all history: "
        context.stdout.write(
            dropped + "\(r.segmentsSealed) segments sealed into \(r.blocksWritten) blocks, \(Format.bytes(r.bytesReclaimed)) reclaimed (\(Format.bytes(r.bytesBefore)) -> \(Format.bytes(r.bytesAfter)))\n")
        return 0
    }
}
