import LogStore

/// `logstore check`
enum CheckCommand: Command {
    static let spec = CommandSpec(
        name: "check",
        abstract: "Verify the store: SQLite's integrity and LogStore's invariants.",
        discussion: """
            Runs SQLite's integrity_check and foreign_key_check, then checks LogStore's own
            invariants (docs/FORMAT.md): epochs 0..max without gaps, every row's epoch exists,
            at most one live incarnation per env name and window id, heads and series
            references, segment sequence numbers, counts and totals, and that every live
            window materializes. Prints each problem on its own line, or 'ok'; exits 1 when
            anything is wrong. Reads the whole store, never writes to it.
            """,
        examples: ["logstore --db run.db check"])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStore(readOnly: true)
        let problems = try store.check()
        if problems.isEmpty {
            context.stdout.write("ok\n")
            return 0
        }
        for p in problems { context.stdout.write(DisplayWidth.sanitize(p) + "\n") }
        return 1
    }
}
