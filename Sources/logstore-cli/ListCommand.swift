import Foundation
import LogStore

/// `logstore ls [--env ENV] [--json]`
enum ListCommand {
    static func run(db: String, _ args: inout Arguments) throws -> Int32 {
        let env = try args.option("--env")
        let asJSON = args.flag("--json")
        _ = try args.rest()
        let store = try LogStore(path: db, options: .init(readOnly: true))
        if let env {
            let rows = try store.listWindows(env: env)
            if asJSON {
                for w in rows {
                    printJSON(["id": .string(w.id), "type": .string(w.type), "title": .string(w.title),
                               "traces": .int(Int64(w.traces)), "points": .int(Int64(w.points)), "last_epoch": .int(w.lastEpoch)])
                }
            } else {
                printTable(["WINDOW", "TYPE", "TITLE", "TRACES", "POINTS", "LAST EPOCH"],
                           rows.map { [$0.id, $0.type, $0.title, String($0.traces), String($0.points), String($0.lastEpoch)] },
                           rightAligned: [3, 4, 5])
            }
        } else {
            let rows = try store.listEnvs()
            if asJSON {
                for e in rows {
                    printJSON(["env": .string(e.name), "windows": .int(Int64(e.windows)), "points": .int(Int64(e.points)),
                               "bytes": .int(e.bytes), "last_epoch": .int(e.lastEpoch)])
                }
            } else {
                printTable(["ENV", "WINDOWS", "POINTS", "SIZE", "LAST EPOCH"],
                           rows.map { [$0.name, String($0.windows), String($0.points), byteCount($0.bytes), String($0.lastEpoch)] },
                           rightAligned: [1, 2, 3, 4])
            }
        }
        return 0
    }

    static func printJSON(_ pairs: KeyValuePairs<String, JSONValue>) {
        var o = JSONObject()
        for (k, v) in pairs { o[k] = v }
        print(JSONWriter.string(.object(o), options: .init(ensureASCII: false)))
    }

    static func printTable(_ header: [String], _ rows: [[String]], rightAligned: Set<Int>) {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        for row in all {
            let cells = row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }
            print(cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }

    static func byteCount(_ n: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n)
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[u])
    }
}
