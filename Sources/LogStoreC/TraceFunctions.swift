import LogStore

// A window's traces as columns of doubles: `logstore.h`'s logstore_traces_*.

/// What a `logstore_traces *` points at. Immutable once made: the pointers handed out point
/// into the columns' `ColumnBuffer`s (which never move once built) and the name arrays, all
/// kept alive and unmutated by this box, so they stay valid until it is freed.
final class TracesBox {
    let traces: [TraceColumns]
    /// Each trace's name as JSON text (which holds no NUL byte: json.dumps escapes it),
    /// NUL-terminated, malloc'd, with its length.
    let names: [(text: UnsafeMutablePointer<CChar>, length: Int)?]

    init(_ traces: [TraceColumns]) {
        self.traces = traces
        names = traces.map { t in
            t.name.map { name in
                let bytes = JSONWriter.bytes(name)
                let text = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
                bytes.withUnsafeBytes {
                    UnsafeMutableRawPointer(text).copyMemory(from: $0.baseAddress!, byteCount: bytes.count)
                }
                text[bytes.count] = 0
                return (text, bytes.count)
            }
        }
    }

    deinit { for case (let text, _)? in names { text.deallocate() } }

    static func from(_ pointer: OpaquePointer?) -> TracesBox? {
        pointer.map { Unmanaged<TracesBox>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }
}

@c public func logstore_traces_read(
    _ store: OpaquePointer?, _ env: UnsafePointer<CChar>?, _ envLength: UInt, _ window: UnsafePointer<CChar>?,
    _ windowLength: UInt,
    _ asOf: Int64
) -> OpaquePointer? {
    guarded(nil) {
        let traces = try Handle.store(store).traces(
            env: try CBuffers.string(env, envLength, "env"),
            window: try CBuffers.string(window, windowLength, "window"),
            asOf: CBuffers.epoch(asOf))
        return OpaquePointer(Unmanaged.passRetained(TracesBox(traces)).toOpaque())
    }
}

@c public func logstore_traces_count(_ traces: OpaquePointer?) -> UInt {
    UInt(TracesBox.from(traces)?.traces.count ?? 0)
}

@c public func logstore_traces_name(_ traces: OpaquePointer?, _ i: UInt, _ length: UnsafeMutablePointer<UInt>?)
    -> UnsafePointer<CChar>?
{
    guard let box = TracesBox.from(traces), i < box.names.count, let name = box.names[Int(i)] else { return nil }
    length?.pointee = UInt(name.length)
    return UnsafePointer(name.text)
}

@c public func logstore_traces_column(
    _ traces: OpaquePointer?, _ i: UInt, _ axis: Int32, _ values: UnsafeMutablePointer<UnsafePointer<Double>?>?,
    _ kinds: UnsafeMutablePointer<UnsafePointer<UInt8>?>?
) -> Int64 {
    guard let box = TracesBox.from(traces), i < box.traces.count, axis == 0 || axis == 1 else { return -1 }
    let trace = box.traces[Int(i)]
    guard let column = axis == 0 ? trace.x : trace.y else { return -1 }
    values?.pointee = UnsafePointer(column.values.base)
    kinds?.pointee = column.kinds.map { UnsafePointer($0.base) }
    return Int64(column.values.count)
}

@c public func logstore_traces_free(_ traces: OpaquePointer?) {
    guard let traces else { return }
    Unmanaged<TracesBox>.fromOpaque(UnsafeRawPointer(traces)).release()
}
