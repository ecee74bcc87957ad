import Foundation
import Glibc

/// The files that make up a store: the store file and SQLite's `-wal` and `-shm` next to it.
/// A command's output file must never be one of them.
enum StoreFiles {
    /// Throws if writing `output` would write one of the store's files: the same file reached
    /// through `./`, `..` or symbolic links (compared by resolved path), or another name of it
    /// (a hard link: compared by device and inode). Files that do not exist yet compare by path.
    static func refuseOutput(_ output: String, store: String) throws(CommandFailure) {
        let out = resolved(output)
        var outStat = stat()
        let outExists = stat(output, &outStat) == 0
        for suffix in ["", "-wal", "-shm"] {
            let file = store + suffix
            var fileStat = stat()
            let sameFile =
                outExists && stat(file, &fileStat) == 0 && fileStat.st_dev == outStat.st_dev
                && fileStat.st_ino == outStat.st_ino
            if sameFile || out == resolved(store) + suffix {
                let what = suffix.isEmpty ? "the store \(store)" : "the store's \(suffix) file (\(file))"
                throw CommandFailure("\(output): is \(what); nothing written (choose another --output)")
            }
        }
    }

    /// `path` made absolute, with its directory's symbolic links, `.` and `..` resolved, and a
    /// final component that is a symbolic link followed (as a write through it would be).
    static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let resolvedFile = url.resolvingSymlinksInPath()
        if resolvedFile.path != url.standardizedFileURL.path { return resolvedFile.path }
        let directory = url.deletingLastPathComponent().resolvingSymlinksInPath()
        return directory.appendingPathComponent(url.lastPathComponent).standardizedFileURL.path
    }
}
