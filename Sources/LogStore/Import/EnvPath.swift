import Foundation

/// A visdom env_path directory (such as `~/.visdom`): the env files visdom's server loads at
/// start-up, and everything else it holds.
///
/// An entry is an env file when it is a regular file (or a link to one) named `*.json` whose
/// JSON object starts with the key `"jsons"` or `"reload"`, as visdom's `json.dumps` of
/// `{"jsons": …, "reload": …}` does. Only those first bytes are read here; the import reads and
/// validates the whole file. Everything else (the `view/` folder of saved layouts, other
/// folders, other files, a `*.json` that is some other JSON) is listed in `skipped`.
public struct EnvPath: Sendable, Equatable {
    public let path: String
    /// Paths of the env files, sorted by name.
    public let envFiles: [String]
    /// Names of the other entries, sorted; a directory's name ends with `/`.
    public let skipped: [String]

    public init(scanning path: String) throws(LogStoreError) {
        self.path = path
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw .io(path: path, reason: "cannot read the directory")
        }
        var envFiles: [String] = []
        var skipped: [String] = []
        for name in names.sorted() {
            let full = (path as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                skipped.append(name + "/")
            } else if name.hasSuffix(".json"), Self.looksLikeEnvFile(full) {
                envFiles.append(full)
            } else {
                skipped.append(name)
            }
        }
        self.envFiles = envFiles
        self.skipped = skipped
    }

    /// Whether the file's first bytes are `{` and then the key `"jsons"` or `"reload"`
    /// (JSON whitespace allowed around them).
    public static func looksLikeEnvFile(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 256) else { return false }
        var bytes = data[...].drop(while: { JSONWhitespace.contains($0) })
        guard bytes.first == UInt8(ascii: "{") else { return false }
        bytes = bytes.dropFirst().drop(while: { JSONWhitespace.contains($0) })
        return bytes.starts(with: Array(#""jsons""#.utf8)) || bytes.starts(with: Array(#""reload""#.utf8))
    }
}
