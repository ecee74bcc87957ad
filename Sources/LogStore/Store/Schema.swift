/// The store's schema: exactly the text of `schema.sql` at the repository root, embedded at
/// build time (`Package.swift` embeds `Store/schema.sql`, a link to that file), so the file
/// and the stores the library creates cannot drift apart.
enum Schema {
    /// `PRAGMA user_version` of stores this build creates and writes.
    static let version: Int64 = 2

    /// What turns a store of version `v` into version `v + 1`, for every older version this
    /// build still reads. Each step runs in one exclusive transaction with its version bump
    /// (`migrate`), so a crash leaves the store in the old version or the new one, never
    /// between. Steps only add: data written by an older version stays valid as it is.
    static let upgrades: [Int64: String] = [
        // Version 2: an epoch that changed exactly one window names it in its own row
        // instead of a `window_change` row; version-1 rows keep meaning what they meant.
        1: "ALTER TABLE epoch ADD COLUMN window_id INTEGER REFERENCES window(window_id)",
    ]
    /// `PRAGMA application_id` that marks a file as a LogStore store ("LOGS").
    static let applicationID: Int64 = 0x4C4F_4753

    static var sql: String { String(decoding: PackageResources.schema_sql, as: UTF8.self) }

    /// Whether the store's epoch rows name the window they changed (version 2 on; a
    /// version-1 store opened read-only keeps every change in `window_change`).
    static func epochRowsNameTheirWindow(_ db: Connection) throws -> Bool {
        try db.int("SELECT count(*) FROM pragma_table_info('epoch') WHERE name = 'window_id'", []) ?? 0 > 0
    }

    /// Brings a store of an older version up to `version`, one step per version, each in its
    /// own exclusive transaction (the version is read again inside it: another process may
    /// have upgraded the store meanwhile).
    static func migrate(_ db: Connection, upgrades: [Int64: String] = upgrades, to version: Int64 = version) throws {
        while true {
            let done = try db.transaction(.exclusive) { () throws -> Bool in
                let current = Int64(try db.userVersion)
                guard current < version else { return true }
                guard let step = upgrades[current] else {
                    throw LogStoreError.corrupt("schema version \(current) has no upgrade to \(current + 1)")
                }
                try db.execute(step)
                try db.setUserVersion(Int32(current + 1))
                return false
            }
            if done { return }
        }
    }

    /// Creates the schema and epoch 0 (a fresh visdom server's empty env "main") in a new,
    /// empty database.
    static func create(on db: Connection, time: Int64) throws {
        try db.transaction(.exclusive) {
            try db.execute(sql)
            try db.run(
                "INSERT INTO epoch(epoch, time_ms, source, endpoint, env, status) VALUES (0, ?, 'init', 'create', 'main', 'ok')",
                [.integer(time)])
            try db.run("INSERT INTO env(name, epoch) VALUES ('main', 0)", [])
        }
    }
}
