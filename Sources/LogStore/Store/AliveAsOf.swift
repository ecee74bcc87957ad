/// The rule every read of the catalog shares (schema.sql, env_end and window_end): an env
/// incarnation is alive as of epoch N when it was born at or before N and no `env_end` row at
/// or before N names it; a window incarnation likewise with `window_end` (its env's tombstone
/// is a separate condition, `envNotEnded`). Each fragment is an SQL condition on the row
/// named `row` of `env` or `window`, with `asOf` an SQL expression (usually a parameter).
enum AliveAsOf {
    static func env(_ row: String, asOf: String) -> String {
        "\(row).epoch <= \(asOf) AND " + envNotEnded("\(row).env_id", asOf: asOf)
    }

    static func window(_ row: String, asOf: String) -> String {
        "\(row).epoch <= \(asOf) AND NOT EXISTS (SELECT 1 FROM window_end x WHERE x.window_id = \(row).window_id AND x.epoch <= \(asOf))"
    }

    /// No tombstone at or before `asOf` names the env whose id is the expression `envID`.
    static func envNotEnded(_ envID: String, asOf: String) -> String {
        "NOT EXISTS (SELECT 1 FROM env_end x WHERE x.env_id = \(envID) AND x.epoch <= \(asOf))"
    }

    /// The conditions for the present (`asOf` the last epoch): every row a reader sees was
    /// born at or before it, and so was every tombstone, so only "no tombstone" is left; a
    /// look-up by name then needs no table row beside its covering index.
    static func envNotEnded(_ envID: String) -> String {
        "NOT EXISTS (SELECT 1 FROM env_end x WHERE x.env_id = \(envID))"
    }

    static func windowNotEnded(_ windowID: String) -> String {
        "NOT EXISTS (SELECT 1 FROM window_end x WHERE x.window_id = \(windowID))"
    }
}
