import Foundation

/// A folder to import, as `tensorboard --logdir` takes one: a visdom env_path (such as
/// `~/.visdom`: the env files visdom's server loads at start-up) and the replay logs of runs,
/// told apart by content, whatever their names.
///
/// - An **env file** is a regular file (or a link to one) at the folder's top level, named
///   `*.json`, whose JSON object starts with the key `"jsons"` or `"reload"`, as visdom's
///   `json.dumps` of `{"jsons": …, "reload": …}` does (visdom loads no env file from a
///   subfolder).
/// - A **replay log** is a regular file (or a link to one) at any depth whose first line is a
///   replay log line `["endpoint", {…}]` (or, while its first line is still being written, starts
///   as one: `[` then `"`).
/// - Subfolders are searched for replay logs, except visdom's `view/` folder of saved layouts
///   and links to folders (no loops). Everything else is listed in `skipped`.
/// Only the first bytes of a file are read here; the import reads and validates the rest.
public struct EnvPath: Sendable, Equatable {
    public let path: String
    /// Paths of the env files, sorted by name.
    public let envFiles: [String]
    /// Paths of the replay logs, sorted by path.
    public let replayLogs: [String]
    /// Paths, relative to `path`, of the other entries, sorted; a folder's ends with `/`.
    public let skipped: [String]

    /// Every env file and replay log, in the order `import` applies them: sorted by path.
    public var files: [String] { (envFiles + replayLogs).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    /// Subfolder depth searched for replay logs.
    static let maxDepth = 8

    public init(scanning path: String) throws(LogStoreError) {
        self.path = path
        var envFiles: [String] = []
        var replayLogs: [String] = []
        var skipped: [String] = []
        func scan(_ relative: String, depth: Int) throws(LogStoreError) {
            let folder = relative.isEmpty ? path : (path as NSString).appendingPathComponent(relative)
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
                if relative.isEmpty { throw .io(path: path, reason: "cannot read the directory") }
                skipped.append(relative + "/")
                return
            }
            for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                let entry = relative.isEmpty ? name : (relative as NSString).appendingPathComponent(name)
                let full = (path as NSString).appendingPathComponent(entry)
                let type = (try? FileManager.default.attributesOfItem(atPath: full)[.type] as? FileAttributeType) ?? nil
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
                if isDirectory.boolValue {
                    if type == .typeDirectory, !(relative.isEmpty && name == "view"), depth < Self.maxDepth {
                        try scan(entry, depth: depth + 1)
                    } else {
                        skipped.append(entry + "/")
                    }
                } else if relative.isEmpty, name.hasSuffix(".json"), Self.looksLikeEnvFile(full) {
                    envFiles.append(full)
                } else if Self.looksLikeReplayLog(full) {
                    replayLogs.append(full)
                } else {
                    skipped.append(entry)
                }
            }
        }
        try scan("", depth: 0)
        self.envFiles = envFiles
        self.replayLogs = replayLogs
        self.skipped = skipped
    }

    /// The first bytes of the file, at most `count`; nil if it cannot be read.
    private static func head(_ path: String, _ count: Int) -> ArraySlice<UInt8>? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: count) else { return [] }
        return [UInt8](data)[...]
    }

    /// Whether the file's first bytes are `{` and then the key `"jsons"` or `"reload"`
    /// (JSON whitespace allowed around them).
    public static func looksLikeEnvFile(_ path: String) -> Bool {
        guard var bytes = head(path, 256)?.drop(while: { JSONWhitespace.contains($0) }) else { return false }
        guard bytes.first == UInt8(ascii: "{") else { return false }
        bytes = bytes.dropFirst().drop(while: { JSONWhitespace.contains($0) })
        return bytes.starts(with: Array(#""jsons""#.utf8)) || bytes.starts(with: Array(#""reload""#.utf8))
    }

    /// Whether the file's first line is a replay log line (`["endpoint", {…}]`, decoded), or,
    /// when it has no newline in its first 4 KiB (yet), starts as one: `[` and `"` (JSON
    /// whitespace allowed).
    public static func looksLikeReplayLog(_ path: String) -> Bool {
        guard let bytes = head(path, 4096) else { return false }
        let start = bytes.drop(while: { JSONWhitespace.contains($0) })
        guard start.first == UInt8(ascii: "["),
            start.dropFirst().drop(while: { JSONWhitespace.contains($0) }).first == UInt8(ascii: "\"")
        else { return false }
        guard let newline = bytes.firstIndex(of: 0x0A) else { return true }
        return (try? LogStore.Message.decode(logLine: bytes[..<newline], place: path)) != nil
    }
}
