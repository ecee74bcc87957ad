import Foundation
import LogStore

/// `logstore backup --to FILE`
enum BackupCommand: Command {
    static let spec = CommandSpec(
        name: "backup",
        abstract: "Write a consistent copy of the store to a new file, while writers go on.",
        discussion: """
            Copies the store as of one epoch (one read transaction: `serve`, `follow` and
            imports keep writing meanwhile) into FILE, leaving out free pages, checks the copy
            as `check` does, and only then gives it the name FILE. FILE must not exist.
            Restoring is copying FILE back (with the store's writers stopped).
            """,
        options: [
            .init(name: "--to", valueName: "FILE", required: true, help: "The new file to write the copy to")
        ],
        examples: ["logstore --db run.db backup --to run-backup.db"])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        guard let to = arguments.value("--to") else { return 64 }  // required: the parser refuses its absence
        let store = try context.openStore(readOnly: true)
        defer { store.close() }
        let r = try store.backup(to: to)
        context.stdout.write("backed up epochs 0…\(r.lastEpoch) to \(to) (\(Format.bytes(r.bytes))), check ok\n")
        return 0
    }
}
