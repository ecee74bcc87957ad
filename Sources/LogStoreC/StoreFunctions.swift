import Foundation
import LogStore

// Opening, closing and writing: `logstore.h`'s logstore_open … logstore_check.

@c public func logstore_open(_ path: UnsafePointer<CChar>?, _ readOnly: Int32, _ durability: UnsafePointer<CChar>?)
    -> OpaquePointer?
{
    guarded(nil) {
        let path = try CBuffers.string(path, "path")
        var options = LogStore.Options(readOnly: readOnly != 0)
        if let durability {
            let name = try CBuffers.string(durability, "durability")
            guard let d = LogStore.Durability(rawValue: name) else {
                throw ArgumentError("durability must be 'normal' or 'full', not '\(name)'")
            }
            options.durability = d
        }
        let store = try LogStore(path: path, options: options)
        return OpaquePointer(Unmanaged.passRetained(store).toOpaque())
    }
}

@c public func logstore_close(_ store: OpaquePointer?) {
    guard let store else { return }
    Unmanaged<LogStore>.fromOpaque(UnsafeRawPointer(store)).release()
}

@c public func logstore_last_epoch(_ store: OpaquePointer?) -> Int64 {
    guarded(-1) { try Handle.store(store).lastEpoch }
}

@c public func logstore_apply(
    _ store: OpaquePointer?, _ endpoint: UnsafePointer<CChar>?, _ body: UnsafePointer<CChar>?, _ bodyLength: UInt,
    _ answerStatus: UnsafeMutablePointer<Int32>?, _ answer: OutBuffer?, _ answerLength: OutLength?
) -> Int64 {
    guarded(-1) {
        let store = try Handle.store(store)
        let name = try CBuffers.string(endpoint, "endpoint")
        guard let endpoint = Endpoint(rawValue: name) else {
            throw ArgumentError(
                "unknown endpoint '\(name)' (expected \(Endpoint.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let body else { throw ArgumentError("body is NULL") }
        let json: JSONValue
        do {
            json = try JSONReader.parse(UnsafeRawBufferPointer(start: body, count: Int(bodyLength)))
        } catch {
            throw LogStoreError.badInput(place: "body", reason: "\(error)")
        }
        let applied = try store.apply(LogStore.Message(endpoint, json))
        let (status, text): (Int32, String) =
            switch applied.outcome {
            case .ok(let body): (0, body)
            case .refused(let why): (1, why)
            case .failed(let e): (2, e.description)
            }
        answerStatus?.pointee = status
        if let answer { try CBuffers.give(Array(text.utf8), answer, answerLength) }
        return applied.epoch
    }
}

@c public func logstore_fork(
    _ store: OpaquePointer?, _ env: UnsafePointer<CChar>?, _ envLength: UInt, _ to: UnsafePointer<CChar>?,
    _ toLength: UInt,
    _ asOf: Int64
) -> Int64 {
    guarded(-1) {
        try Handle.store(store).forkEnv(
            try CBuffers.string(env, envLength, "env"), to: try CBuffers.string(to, toLength, "to"),
            asOf: CBuffers.epoch(asOf))
    }
}

@c public func logstore_compact(
    _ store: OpaquePointer?, _ before: Int64, _ keepLast: Int64, _ olderThanMS: Int64, _ out: OutBuffer?,
    _ outLength: OutLength?
) -> Int32 {
    guardedStatus {
        let store = try Handle.store(store)
        let given = [("before", before), ("keep_last", keepLast), ("older_than_ms", olderThanMS)].filter { $0.1 >= 0 }
        guard given.count <= 1 else {
            throw ArgumentError("\(given.map(\.0).joined(separator: " and ")): give at most one of them")
        }
        // As `logstore compact` resolves --keep-last and --older-than.
        var epoch = CBuffers.epoch(before)
        if keepLast >= 0 { epoch = max(0, try store.lastEpoch - keepLast + 1) }
        if olderThanMS >= 0 {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            epoch = try store.firstEpoch(writtenSince: now - olderThanMS) ?? (try store.lastEpoch)
        }
        let r = try epoch.map { try store.compact(before: $0) } ?? store.seal()
        try CBuffers.give(
            .object(
                JSONObject([
                    ("before", r.before.map(JSONValue.int) ?? .null), ("rows_deleted", .int(Int64(r.rowsDeleted))),
                    ("segments_merged", .int(Int64(r.segmentsMerged))),
                    ("blocks_rewritten", .int(Int64(r.blocksRewritten))),
                    ("epochs_compacted", .int(Int64(r.epochsCompacted))),
                    ("segments_sealed", .int(Int64(r.segmentsSealed))),
                    ("blocks_written", .int(Int64(r.blocksWritten))),
                    ("epochs_sealed", .int(Int64(r.epochsSealed))),
                    ("epoch_runs_written", .int(Int64(r.epochRunsWritten))),
                    ("bytes_before", .int(r.bytesBefore)), ("bytes_after", .int(r.bytesAfter)),
                ])), out, outLength)
    }
}

@c public func logstore_check(
    _ store: OpaquePointer?, _ out: OutBuffer?, _ outLength: OutLength?
) -> Int32 {
    guardedStatus {
        try CBuffers.give(.array(try Handle.store(store).check().map(JSONValue.string)), out, outLength)
    }
}
