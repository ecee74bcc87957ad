import Foundation
import LogStore

/// `logstore export --env ENV [--window WIN] [--pretty]`
enum ExportCommand {
    static func run(db: String, _ args: inout Arguments) throws -> Int32 {
        guard let env = try args.option("--env") else { throw UsageError("export needs --env ENV") }
        let window = try args.option("--window")
        let pretty = args.flag("--pretty")
        _ = try args.rest()
        let store = try LogStore(path: db, options: .init(readOnly: true))
        let value = try window.map { try store.exportWindow(env: env, window: $0) } ?? store.exportEnv(env)
        var out = JSONWriter.bytes(value, options: .init(pretty: pretty))
        out.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(Data(out))
        return 0
    }
}
