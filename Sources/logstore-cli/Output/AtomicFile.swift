import Glibc

/// Replaces a file's content so that a reader sees the old content or the new, never a part,
/// even across a crash or a power loss:
/// 1. the bytes go to a new temporary file in the same directory (`mkstemp`; the same file
///    system, so the rename below is atomic);
/// 2. `fsync` makes them durable before they get the name;
/// 3. `rename(2)` over the target replaces it in one step;
/// 4. `fsync` of the directory makes the new name durable.
/// On any failure the temporary file is removed and the target is as it was. The new file gets
/// the target's permissions if it existed, else 0666 less the umask, as a plain create would.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String) throws(CommandFailure) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw CommandFailure("\(path): is a directory") }
        var template = Array("\(directory)/.\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CommandFailure("\(path): \(Self.reason(errno))") }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            var existing = stat()
            let mode: mode_t
            if stat(path, &existing) == 0 {
                mode = existing.st_mode & 0o7777
            } else {
                let mask = umask(0)
                umask(mask)
                mode = 0o666 & ~mask
            }
            guard fchmod(fd, mode) == 0 else { throw CommandFailure("\(path): \(Self.reason(errno))") }
            guard writeAll(fd, bytes) else { throw CommandFailure("\(path): \(Self.reason(errno))") }
            guard fsync(fd) == 0 else { throw CommandFailure("\(path): \(Self.reason(errno))") }
        }
        guard rename(temporary, path) == 0 else { throw CommandFailure("\(path): \(Self.reason(errno))") }
        ok = true
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }
}
