import LogStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `char **out` and `size_t *out_len` of `logstore.h`.
public typealias OutBuffer = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
public typealias OutLength = UnsafeMutablePointer<UInt>

/// Strings in and buffers out across the C boundary.
enum CBuffers {
    /// The UTF-8 bytes at `pointer` (`length` of them) as a String, refusing invalid UTF-8
    /// rather than replacing it, so a name is looked up exactly as given.
    static func string(_ pointer: UnsafePointer<CChar>?, _ length: UInt, _ what: String) throws -> String {
        guard let pointer else {
            if length == 0 { return "" }
            throw ArgumentError("\(what) is NULL")
        }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: Int(length))
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw ArgumentError("\(what) is not valid UTF-8")
        }
        return s
    }

    /// A NUL-terminated C string.
    static func string(_ pointer: UnsafePointer<CChar>?, _ what: String) throws -> String {
        guard let pointer else { throw ArgumentError("\(what) is NULL") }
        return try string(pointer, UInt(strlen(pointer)), what)
    }

    /// Hands `bytes` to the caller as a malloc'd, NUL-terminated buffer (`logstore_free`).
    static func give(_ bytes: [UInt8], _ out: OutBuffer?, _ length: OutLength?) throws {
        guard let out else { throw ArgumentError("the output pointer is NULL") }
        guard let buffer = malloc(bytes.count + 1)?.assumingMemoryBound(to: CChar.self) else {
            throw ArgumentError("out of memory for \(bytes.count) bytes")
        }
        bytes.withUnsafeBytes {
            UnsafeMutableRawPointer(buffer).copyMemory(
                from: $0.baseAddress ?? UnsafeRawPointer(buffer), byteCount: $0.count)
        }
        buffer[bytes.count] = 0
        out.pointee = buffer
        length?.pointee = UInt(bytes.count)
    }

    /// `value` as JSON text (json.dumps), handed to the caller.
    static func give(_ value: JSONValue, _ out: OutBuffer?, _ length: OutLength?) throws {
        try give(JSONWriter.bytes(value), out, length)
    }

    /// An as_of / since / before argument: negative means none.
    static func epoch(_ value: Int64) -> Int64? { value < 0 ? nil : value }
}

/// The `LogStore` behind a `logstore *`.
enum Handle {
    static func store(_ pointer: OpaquePointer?) throws -> LogStore {
        guard let pointer else { throw ArgumentError("the store is NULL") }
        return Unmanaged<LogStore>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}

@c public func logstore_free(_ buffer: UnsafeMutableRawPointer?) { free(buffer) }
