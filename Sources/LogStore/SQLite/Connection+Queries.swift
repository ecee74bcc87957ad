/// Small conveniences over `Statement` used by the store: bind, step, read, reset. Every
/// statement comes from the connection's cache, so each SQL text is prepared once. Each binds
/// all of its statement's parameters (`bind` checks the count before binding any), so the
/// statement's previous bindings need no clearing.
extension Connection {
    func run(_ sql: String, _ args: [SQLValue]) throws {
        let st = try cachedStatement(sql, keepingBindings: true)
        defer { st.reset() }
        try st.bind(args)
        while try st.step() {}
    }

    /// Calls `body` for each row.
    func forEach(_ sql: String, _ args: [SQLValue], _ body: (Statement) throws -> Void) throws {
        let st = try cachedStatement(sql, keepingBindings: true)
        defer { st.reset() }
        try st.bind(args)
        while try st.step() { try body(st) }
    }

    /// The first row read by `read`, nil if there is none.
    func one<T>(_ sql: String, _ args: [SQLValue], _ read: (Statement) throws -> T) throws -> T? {
        let st = try cachedStatement(sql, keepingBindings: true)
        defer { st.reset() }
        try st.bind(args)
        return try st.step() ? read(st) : nil
    }

    func int(_ sql: String, _ args: [SQLValue]) throws -> Int64? {
        try one(sql, args) { $0.isNull(0) ? nil : $0.int64(0) } ?? nil
    }
}

extension Connection {
    /// Every row, decoded by `decode`, in order.
    func all<T>(_ sql: String, _ args: [SQLValue], _ decode: (Statement) throws -> T) throws -> [T] {
        var out: [T] = []
        try forEach(sql, args) { out.append(try decode($0)) }
        return out
    }

    /// Column 0 of every row, as text.
    func texts(_ sql: String, _ args: [SQLValue]) throws -> [String] {
        try all(sql, args) { $0.firstText }
    }

    /// Column 0 of every row, as an integer.
    func ints(_ sql: String, _ args: [SQLValue]) throws -> [Int64] {
        try all(sql, args) { $0.firstInt64 }
    }
}
