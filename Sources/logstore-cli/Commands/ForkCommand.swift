import LogStore

/// `logstore fork --env ENV --to NEW [--as-of EPOCH]`
enum ForkCommand: Command {
    static let spec = CommandSpec(
        name: "fork",
        abstract: "Copy an env under a new name, as it is now or as it was after an epoch.",
        discussion: """
            Does what visdom's fork_env does, as one new epoch: the new env holds a copy of
            every window, in the same order with the same ids. An env already named NEW is
            replaced. With --as-of, the copy is the env as it was right after EPOCH.
            """,
        options: [
            .init(name: "--env", valueName: "ENV", required: true, help: "The env to copy", verbatim: true),
            .init(name: "--to", valueName: "NEW", required: true, help: "The name of the copy", verbatim: true),
            .init(name: "--as-of", valueName: "EPOCH", help: "Copy the env as it was right after EPOCH"),
            CommandSpec.durabilityOption,
        ],
        examples: ["logstore fork --env run1 --to run1_before_lr_drop --as-of 5000"])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let asOf = try arguments.epoch("--as-of")
        // Ctrl-C or SIGTERM lets the fork's one transaction finish, then the store closes.
        let signals = StopSignals()
        let store = try context.openStore(durability: try arguments.durability())
        defer {
            store.close()
            withExtendedLifetime(signals) {}
        }
        let epoch = try store.forkEnv(arguments.value("--env")!, to: arguments.value("--to")!, asOf: asOf)
        StandardError.write("forked \(arguments.value("--env")!) to \(arguments.value("--to")!) at epoch \(epoch)\n")
        return 0
    }
}
