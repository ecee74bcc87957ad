import LogStore

// Reads as JSON: `logstore.h`'s logstore_export_* , logstore_list_* and logstore_log.

@c public func logstore_export_env(
    _ store: OpaquePointer?, _ env: UnsafePointer<CChar>?, _ envLength: UInt, _ asOf: Int64, _ out: OutBuffer?,
    _ outLength: OutLength?
) -> Int32 {
    guardedStatus {
        let value = try Handle.store(store).exportEnv(
            try CBuffers.string(env, envLength, "env"), asOf: CBuffers.epoch(asOf))
        try CBuffers.give(value, out, outLength)
    }
}

@c public func logstore_export_window(
    _ store: OpaquePointer?, _ env: UnsafePointer<CChar>?, _ envLength: UInt, _ window: UnsafePointer<CChar>?,
    _ windowLength: UInt,
    _ asOf: Int64, _ maxPoints: Int64, _ out: OutBuffer?, _ outLength: OutLength?
) -> Int32 {
    guardedStatus {
        let store = try Handle.store(store)
        let env = try CBuffers.string(env, envLength, "env")
        let window = try CBuffers.string(window, windowLength, "window")
        if maxPoints > 0 {
            try CBuffers.give(
                try store.exportWindow(env: env, window: window, asOf: CBuffers.epoch(asOf), maxPoints: Int(maxPoints)),
                out, outLength)
        } else {
            try CBuffers.give(
                try store.windowJSON(env: env, window: window, asOf: CBuffers.epoch(asOf)), out, outLength)
        }
    }
}

@c public func logstore_export_since(
    _ store: OpaquePointer?, _ env: UnsafePointer<CChar>?, _ envLength: UInt, _ since: Int64, _ out: OutBuffer?,
    _ outLength: OutLength?
) -> Int32 {
    guardedStatus {
        guard since >= 0 else { throw ArgumentError("since must be an epoch (>= 0), not \(since)") }
        try CBuffers.give(
            try Handle.store(store).changes(env: try CBuffers.string(env, envLength, "env"), since: since).json, out,
            outLength)
    }
}

@c public func logstore_list_envs(_ store: OpaquePointer?, _ asOf: Int64, _ out: OutBuffer?, _ outLength: OutLength?)
    -> Int32
{
    guardedStatus {
        let rows: [JSONValue] = try Handle.store(store).listEnvs(asOf: CBuffers.epoch(asOf)).map { e in
            .object(
                JSONObject([
                    ("env", .string(e.name)), ("windows", .int(Int64(e.windows))), ("points", .int(Int64(e.points))),
                    ("bytes", .int(e.bytes)), ("last_epoch", .int(e.lastEpoch)),
                ]))
        }
        try CBuffers.give(.array(rows), out, outLength)
    }
}

@c public func logstore_list_windows(
    _ store: OpaquePointer?, _ env: UnsafePointer<CChar>?, _ envLength: UInt, _ asOf: Int64, _ out: OutBuffer?,
    _ outLength: OutLength?
) -> Int32 {
    guardedStatus {
        let store = try Handle.store(store)
        let rows: [JSONValue] = try store.listWindows(
            env: try CBuffers.string(env, envLength, "env"), asOf: CBuffers.epoch(asOf)
        ).map { w in
            .object(
                JSONObject([
                    ("id", .string(w.id)), ("type", .string(w.type)), ("title", .string(w.title)),
                    ("traces", .int(Int64(w.traces))),
                    ("points", .int(Int64(w.points))), ("last_epoch", .int(w.lastEpoch)),
                ]))
        }
        try CBuffers.give(.array(rows), out, outLength)
    }
}

@c public func logstore_log(
    _ store: OpaquePointer?, _ env: UnsafePointer<CChar>?, _ envLength: UInt, _ since: Int64, _ limit: Int64,
    _ out: OutBuffer?, _ outLength: OutLength?
) -> Int32 {
    guardedStatus {
        let store = try Handle.store(store)
        let env = try env.map { try CBuffers.string($0, envLength, "env") }
        let records = try store.epochs(env: env, since: CBuffers.epoch(since), limit: limit > 0 ? Int(limit) : nil)
        let rows: [JSONValue] = records.map { r in
            .object(
                JSONObject([
                    ("epoch", .int(r.epoch)), ("time_ms", .int(r.timeMS)), ("source", .string(r.source)),
                    ("endpoint", .string(r.endpoint)),
                    ("env", r.env.map(JSONValue.string) ?? .null), ("window", r.window.map(JSONValue.string) ?? .null),
                    ("status", .string(r.status)), ("detail", .string(r.detail)),
                ]))
        }
        try CBuffers.give(.array(rows), out, outLength)
    }
}
