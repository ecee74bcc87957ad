import LogStore

/// `logstore fork --env ENV --to NEW [--as-of EPOCH] [--replace]`
enum ForkCommand: Command {
    static let spec = CommandSpec(
        name: "fork",
        abstract: "Copy an env under a new name, as it is now or as it was after an epoch.",
        discussion: """
            Does what visdom's fork_env does, as one new epoch: the new env holds a copy of
            every window, in the same order with the same ids. With --as-of, the copy is the
            env as it was right after EPOCH. An env already named NEW is left alone and the
            fork refused, unless --replace (then it is replaced; its history stays readable with
            --as-of). Both names are taken as visdom takes them: '/' becomes '_', and neither
            may be empty.
            """,
        options: [
            .init(name: "--env", valueName: "ENV", required: true, help: "The env to copy", verbatim: true),
            .init(name: "--to", valueName: "NEW", required: true, help: "The name of the copy", verbatim: true),
            .init(name: "--as-of", valueName: "EPOCH", help: "Copy the env as it was right after EPOCH"),
            .init(name: "--replace", valueName: nil, help: "Replace an env already named NEW"),
            CommandSpec.durabilityOption,
        ],
        examples: ["logstore fork --env run1 --to run1_before_lr_drop --as-of 5000"])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let asOf = try arguments.epoch("--as-of")
        let from = try envName(arguments, "--env", "ENV")
        let to = try envName(arguments, "--to", "NEW")
        guard from.utf8.elementsEqual(to.utf8) == false else {
            throw ParserError.invalidValue(
                option: "--to", valueName: "NEW", value: arguments.value("--to")!,
                expected: "another name than the env being copied")
        }
        // Ctrl-C or SIGTERM lets the fork's one transaction finish, then the store closes.
        let signals = StopSignals()
        let store = try context.openStore(durability: try arguments.durability())
        defer {
            store.close()
            withExtendedLifetime(signals) {}
        }
        let epoch: Int64
        switch Result(catching: { () throws(LogStoreError) in
            try store.forkEnv(from, to: to, asOf: asOf, replace: arguments.flag("--replace"))
        }) {
        case .success(let e): epoch = e
        case .failure(.envExists(let name)):
            throw CommandFailure(
                "an env named '\(DisplayWidth.sanitize(name))' exists; nothing forked (--replace replaces it)")
        case .failure(let error): throw error
        }
        StandardError.write("forked \(DisplayWidth.sanitize(from)) to \(DisplayWidth.sanitize(to)) at epoch \(epoch)\n")
        return 0
    }

    /// The value of `option` as visdom names envs (`escape_eid`: '/' becomes '_'); an empty
    /// name is a usage error, for either option alike.
    static func envName(_ arguments: ParsedArguments, _ option: String, _ valueName: String) throws -> String {
        let given = arguments.value(option)!
        guard !given.isEmpty else {
            throw ParserError.invalidValue(option: option, valueName: valueName, value: given, expected: "an env name")
        }
        return VisdomEnvID.escape(given)
    }
}
