import Foundation

/// Reads a file line by line from a byte offset, in fixed-size chunks, so memory stays
/// bounded by the longest line (itself capped), not by the file.
struct LineReader {
    /// A complete line (without its '\n') and the offset just after its '\n'.
    struct Line {
        let bytes: ArraySlice<UInt8>
        let end: Int64
    }

    /// Lines longer than this are refused: a replay log line is one visdom request, and
    /// visdom's own server caps request bodies far below this.
    static let maxLineBytes = 256 << 20

    private let handle: FileHandle
    private let path: String
    private var buffer: [UInt8] = []
    private var start = 0  // index in `buffer` of the next unread byte
    private var offset: Int64  // file offset of buffer[start]
    private var eof = false
    private let chunk = 1 << 20

    init(path: String, from offset: Int64) throws(LogStoreError) {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw .io(
                path: path,
                reason: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        do { try h.seek(toOffset: UInt64(offset)) } catch {
            throw .io(path: path, reason: "cannot seek to byte \(offset)")
        }
        handle = h
        self.path = path
        self.offset = offset
    }

    /// The next complete line; nil at the end of the file. `partial` then holds the bytes of an
    /// unterminated last line, if any.
    mutating func next() throws(LogStoreError) -> Line? {
        var scanFrom = start
        while true {
            if let nl = Self.newline(in: buffer, from: scanFrom) {
                let line = buffer[start..<nl]
                offset += Int64(nl + 1 - start)
                start = nl + 1
                return Line(bytes: line, end: offset)
            }
            if buffer.count - start > Self.maxLineBytes {
                throw .badInput(
                    place: path, reason: "a line longer than \(Self.maxLineBytes >> 20) MiB at byte \(offset)")
            }
            if eof { return nil }
            scanFrom = buffer.count
            if start > 0 {
                buffer.removeFirst(start)
                scanFrom -= start
                start = 0
            }
            // A chunk without a line end that takes the line past the cap is refused by the
            // check above on the next turn (with the buffer one chunk longer at most).
            let n = try readChunk()
            if n == 0 { eof = true }
        }
    }

    /// Reads up to `chunk` bytes at the end of `buffer`, straight from the file descriptor
    /// (no intermediate `Data`, no zero-filling); returns how many, 0 at the end of the file.
    private mutating func readChunk() throws(LogStoreError) -> Int {
        let fd = handle.fileDescriptor
        let chunk = self.chunk
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: chunk) { b, count in
            var n = -1
            while n < 0 {
                n = read(fd, b.baseAddress!, chunk)
                if n < 0 && errno != EINTR {
                    failure = errno
                    break
                }
            }
            count = max(n, 0)
        }
        if failure != 0 { throw .io(path: path, reason: "read failed: \(String(cString: strerror(failure)))") }
        buffer.append(contentsOf: bytes)
        return bytes.count
    }

    /// The index of the first '\n' in `bytes` at or after `from`, found with `memchr` (a
    /// generic `firstIndex(of:)` costs ~15 instructions a byte, a tenth of a bulk import).
    static func newline(in bytes: [UInt8], from: Int) -> Int? {
        guard from < bytes.count else { return nil }
        return bytes.withUnsafeBufferPointer { b in
            memchr(b.baseAddress! + from, 0x0A, b.count - from).map {
                b.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self))
            }
        }
    }

    /// Bytes after the last complete line (an incomplete last line), once `next()` returned nil.
    var partial: Int { buffer.count - start }

    /// The file offset just after the last complete line returned.
    var position: Int64 { offset }
}
