/// A connection's cached statement for one SQL text, kept at hand by a long-lived user of that
/// connection (the writer's `EpochWriter` and `SeriesStore`): found once through the cache,
/// then used again without a lookup.
///
/// Invariants: the statement is the one `Connection.cachedStatement(_:keepingBindings: true)`
/// handed out for `sql` on the connection passed to `statement(on:)`, which must always be the
/// same connection; a statement whose step failed is fetched again (the cache replaces it). A
/// user resets it after each use, as with any cached statement, and binds every parameter.
struct HeldStatement {
    let sql: String
    private var held: Statement?

    init(_ sql: String) { self.sql = sql }

    /// The statement, reset, with the bindings of its last use.
    mutating func statement(on db: Connection) throws(SQLiteError) -> Statement {
        if let held, !held.stepFailed {
            held.reset()
            return held
        }
        let fetched = try db.cachedStatement(sql, keepingBindings: true)
        held = fetched
        return fetched
    }
}
