/// "Did you mean …?": the known word closest to a mistyped one, as git suggests a command.
///
/// Closeness is the optimal string alignment distance (Levenshtein plus swapping two
/// neighbouring characters, so `improt` is one step from `import`). A word is suggested when
/// it is at most 2 steps away and no more than half the typed word's length (so `x` suggests
/// nothing), or when the typed word is the start of exactly one known word (`imp` → `import`).
/// Ties suggest nothing.
enum Suggestion {
    static func closest(to typed: String, among known: [String]) -> String? {
        let starting = known.filter { $0.hasPrefix(typed) && !typed.isEmpty && typed != "-" && typed != "--" }
        if starting.count == 1 { return starting[0] }
        let limit = min(2, max(1, typed.count / 2))
        let scored = known.map { (word: $0, distance: distance(typed, $0)) }.filter { $0.distance <= limit }
        guard let best = scored.map(\.distance).min() else { return nil }
        let winners = scored.filter { $0.distance == best }
        return winners.count == 1 ? winners[0].word : nil
    }

    /// Optimal string alignment distance between `a` and `b`, by characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
