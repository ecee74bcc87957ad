/// The store's schema: exactly the text of `schema.sql` at the repository root, embedded at
/// build time (`Package.swift` embeds `Store/schema.sql`, a link to that file), so the file
/// and the stores the library creates cannot drift apart.
enum Schema {
    /// `PRAGMA user_version` of stores this build creates and writes.
    static let version: Int64 = 1
    /// `PRAGMA application_id` that marks a file as a LogStore store ("LOGS").
    static let applicationID: Int64 = 0x4C4F_4753

    static var sql: String { String(decoding: PackageResources.schema_sql, as: UTF8.self) }

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
