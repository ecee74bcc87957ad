import Foundation
import LogStore

/// `logstore import PATH...`
enum ImportCommand {
    static func run(db: String, _ args: inout Arguments) throws -> Int32 {
        let skipBad = args.flag("--skip-bad")
        let again = args.flag("--again")
        let paths = try args.rest()
        guard !paths.isEmpty else { throw UsageError("import needs at least one PATH") }
        let store = try LogStore(path: db)
        let importer = Importer(store: store, skipBad: skipBad, again: again)
        let start = Date()
        var total = Importer.Summary()
        for path in paths {
            let s = try importer.importFile(path)
            for w in s.warnings { FileHandle.standardError.write(Data("Warning: \(w)\n".utf8)) }
            total.messages += s.messages
            total.refused += s.refused
            total.failed += s.failed
            total.skippedLines += s.skippedLines
            total.envs.formUnion(s.envs)
        }
        let seconds = Date().timeIntervalSince(start)
        FileHandle.standardError.write(Data(
            "imported \(total.messages) messages into \(total.envs.count) envs (\(total.refused) refused, \(total.failed) failed, \(total.skippedLines) skipped) in \(String(format: "%.2f", seconds)) s\n".utf8))
        return 0
    }
}
