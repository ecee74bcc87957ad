import Foundation
import LogStore

/// `logstore compact [--before EPOCH]`
enum CompactCommand: Command {
    static let spec = CommandSpec(
        name: "compact",
        abstract: "Drop history that no later state needs, and reclaim its space.",
        discussion: """
            Removes closed, replaced and deleted windows and envs that were gone by EPOCH
            (default: the newest epoch), superseded versions, and merges each series' segments
            up to EPOCH into one. Every export as of EPOCH or later stays byte-identical;
            exports as of earlier epochs are refused afterwards. Prints the bytes reclaimed.
            """,
        options: [
            .init(name: "--before", valueName: "EPOCH", help: "Keep every state from EPOCH on (default: the newest)"),
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
        let r = try store.compact(before: before)
        context.stdout.write(
            "compacted history before epoch \(r.before): \(r.rowsDeleted) rows deleted, \(r.segmentsMerged) segments merged, \(Format.bytes(r.bytesReclaimed)) reclaimed (\(Format.bytes(r.bytesBefore)) -> \(Format.bytes(r.bytesAfter)))\n")
        return 0
    }
}
