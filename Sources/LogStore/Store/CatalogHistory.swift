/// The catalog's whole history (schema.sql, env, env_end, window, window_end, window_change):
/// every incarnation's birth and tombstone and every recorded window change, in no particular
/// order. `log`'s changes read it once per read.
struct CatalogHistory {
    let db: Connection

    /// A window incarnation: its id, env, visdom id and birth epoch.
    struct Window {
        let id, env: Int64
        let wid: String
        let born: Int64
    }

    func windows() throws -> [Window] {
        try db.all("SELECT window_id, env_id, wid, epoch FROM window", []) { st in
            var row = st.columns
            return Window(id: row.int64(), env: row.int64(), wid: row.text(), born: row.int64())
        }
    }

    /// An env incarnation: its id, name and birth epoch.
    struct Env {
        let id: Int64
        let name: String
        let born: Int64
    }

    func envs() throws -> [Env] {
        try db.all("SELECT env_id, name, epoch FROM env", []) { st in
            var row = st.columns
            return Env(id: row.int64(), name: row.text(), born: row.int64())
        }
    }

    /// A row naming an incarnation and an epoch: a tombstone or a window change.
    struct Mark {
        let id, epoch: Int64
    }

    func windowEnds() throws -> [Mark] { try marks("SELECT window_id, epoch FROM window_end") }
    func windowChanges() throws -> [Mark] { try marks("SELECT window_id, epoch FROM window_change") }
    func envEnds() throws -> [Mark] { try marks("SELECT env_id, epoch FROM env_end") }

    private func marks(_ sql: String) throws -> [Mark] {
        try db.all(sql, []) { st in
            var row = st.columns
            return Mark(id: row.int64(), epoch: row.int64())
        }
    }
}
