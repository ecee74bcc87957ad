import Foundation
import LogStore

enum CLI {
    static let version = "0.1.0"

    static func run(_ argv: [String]) -> Int32 {
        do {
            var args = Arguments(argv)
            let db = try args.option("--db") ?? ProcessInfo.processInfo.environment["LOGSTORE_DB"] ?? "logstore.db"
            guard let command = args.next() else {
                print(usage)
                return 64
            }
            switch command {
            case "import": return try ImportCommand.run(db: db, &args)
            case "export": return try ExportCommand.run(db: db, &args)
            case "ls": return try ListCommand.run(db: db, &args)
            case "--help", "-h", "help":
                print(usage)
                return 0
            case "--version":
                print("logstore \(version)")
                return 0
            default:
                throw UsageError("unknown command '\(command)'")
            }
        } catch let e as UsageError {
            printError(e.message)
            return 64
        } catch {
            printError("\(error)")
            return 1
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    }

    static let usage = """
        usage: logstore [--db PATH] <command> [options]

        commands:
          import PATH...                     import visdom replay logs and env files
          export --env ENV [--window WIN]    print an env (or one window) as visdom JSON
          ls [--env ENV] [--json]            list envs, or the windows of one env

        --db defaults to $LOGSTORE_DB, else ./logstore.db (created on first write).
        """
}

/// A usage mistake: exit 64.
struct UsageError: Error {
    let message: String
    init(_ m: String) { message = m }
}

/// The words of the command line, consumed front to back; options may appear anywhere.
struct Arguments {
    private var words: [String]
    init(_ words: [String]) { self.words = words }

    mutating func next() -> String? { words.isEmpty ? nil : words.removeFirst() }

    mutating func option(_ name: String) throws -> String? {
        guard let i = words.firstIndex(of: name) else {
            if let j = words.firstIndex(where: { $0.hasPrefix(name + "=") }) {
                return String(words.remove(at: j).dropFirst(name.count + 1))
            }
            return nil
        }
        guard i + 1 < words.count else { throw UsageError("\(name) needs a value") }
        let v = words[i + 1]
        words.removeSubrange(i...i + 1)
        return v
    }

    mutating func flag(_ name: String) -> Bool {
        guard let i = words.firstIndex(of: name) else { return false }
        words.remove(at: i)
        return true
    }

    mutating func rest() throws -> [String] {
        if let unknown = words.first(where: { $0.hasPrefix("--") }) { throw UsageError("unknown option '\(unknown)'") }
        defer { words = [] }
        return words
    }
}
