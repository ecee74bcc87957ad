/// What a database file says it is: its `application_id` (`Schema.applicationID` for a store),
/// its `user_version` (the format version) and how many schema objects it holds. All zero: an
/// empty file, where a store may be created.
struct FileIdentity {
    let applicationID: Int64
    let version: Int64
    let schemaObjects: Int64

    var isEmpty: Bool { applicationID == 0 && version == 0 && schemaObjects == 0 }

    /// Read in one transaction: another process may be creating the store meanwhile, and the
    /// three must describe one state of the file.
    static func read(_ db: Connection) throws -> FileIdentity {
        try db.transaction(.deferred) {
            FileIdentity(
                applicationID: try db.int("PRAGMA application_id", []) ?? 0, version: Int64(try db.userVersion),
                schemaObjects: try db.int("SELECT count(*) FROM sqlite_schema", []) ?? 0)
        }
    }
}
