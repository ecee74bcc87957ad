/// One row of the `epoch_run` table: the epoch rows of epochs `first_epoch ... last_epoch`
/// (consecutive, every one of them) sealed into one record by `compact` or the writer (`EpochSealer`;
/// schema.sql, epoch_run; docs/FORMAT.md, "Sealed epoch runs"). Readers see through it: each
/// of its epochs reads back as exactly the row it replaced (`EpochTable`).
///
/// `kinds` lists the distinct (source, endpoint, env, win, status, detail, window_id) of its
/// epochs, a `FILE:LINE` source kept as its `FILE:` part with the line moved to `data`:
///
///     kinds = varint K, then K times:
///             flags (1 byte: 1 line-numbered source, 2 env, 4 win, 8 window_id)
///             text source (or its part up to and including the last ':'), text endpoint,
///             [text env], [text win], text status, text detail, [zigzag varint window_id]
///     text  = varint byte length, UTF-8 bytes
///
/// `data` holds the epochs' steps in order. A step is an epoch's kind, its time minus the
/// previous epoch's (the first's previous is `min_time_ms`) and, for a line-numbered kind, its
/// line minus the previous line minus 1 (the previous line: the run's last numbered epoch's, 0
/// before the first). One epoch is `varint ((kind + 1) << 2 | l << 1 | t)`, then, when `t` is
/// 1, `zigzag varint` of the time step (`t` is 0 when it is 0), then, when `l` is 1, `zigzag
/// varint` of the line step (likewise). A copy is `00, varint P, varint N`: the next N epochs
/// take the steps of the epochs P before each (a training loop addressing its windows in
/// turn; N may exceed P). A replayed log's next epoch is its next line, and a live run's next
/// message comes a few milliseconds later: one or two bytes per epoch, less where they repeat.
///
/// Invariants (`check` verifies them): `data` decodes to exactly `last_epoch − first_epoch +
/// 1` epochs, each naming one of the kinds, every kind named; their times lie within
/// `min_time_ms ... max_time_ms`, both reached; runs overlap neither each other nor an epoch
/// row; the newest epoch is always an epoch row (so `max(epoch) FROM epoch` is the newest).
struct EpochRun {
    /// What a run's epochs may share: all of an epoch row but its number, time and line.
    struct Kind: Equatable {
        /// The source, or, when `numbered`, its part up to and including its last ':'.
        var source: [UInt8]
        var numbered: Bool
        var endpoint: [UInt8]
        var env: [UInt8]?
        var win: [UInt8]?
        var status: [UInt8]
        var detail: [UInt8]
        var windowID: Int64?
    }

    /// One epoch of a run, decoded.
    struct Epoch: Equatable {
        var epoch: Int64
        var timeMS: Int64
        var kind: Int
        /// The source's line, for a line-numbered kind.
        var line: Int64?
    }

    struct DecodeError: Error, CustomStringConvertible {
        let what: String
        var description: String { "corrupt epoch run: \(what)" }
    }

    let firstEpoch, lastEpoch: Int64
    let minTimeMS, maxTimeMS: Int64
    var kinds: [Kind]
    let data: [UInt8]

    var count: Int64 { lastEpoch - firstEpoch + 1 }

    /// The columns `init(_:)` reads, in its order.
    static let columns = "first_epoch, last_epoch, min_time_ms, max_time_ms, kinds, data"

    init(_ st: Statement) throws {
        var row = st.columns
        firstEpoch = row.int64()
        lastEpoch = row.int64()
        minTimeMS = row.int64()
        maxTimeMS = row.int64()
        kinds = try row.withBlob { try Self.decodeKinds($0) }
        data = row.blob()
    }

    /// The run of `epochs` (consecutive numbers, each naming one of `kinds`), encoded.
    init(kinds: [Kind], epochs: [Epoch]) {
        precondition(!epochs.isEmpty)
        firstEpoch = epochs[0].epoch
        lastEpoch = epochs[epochs.count - 1].epoch
        (data, minTimeMS, maxTimeMS) = Self.encode(epochs)
        self.kinds = kinds
    }

    /// `data` for `epochs`, and their least and greatest time.
    static func encode(_ epochs: [Epoch]) -> (data: [UInt8], min: Int64, max: Int64) {
        let (low, high) = epochs.reduce((Int64.max, Int64.min)) { (min($0.0, $1.timeMS), max($0.1, $1.timeMS)) }
        var steps: [Step] = []
        steps.reserveCapacity(epochs.count)
        var time = low
        var line: Int64 = 0
        for e in epochs {
            steps.append(Step(kind: e.kind, dt: e.timeMS &- time, dl: e.line.map { $0 &- line &- 1 } ?? 0))
            time = e.timeMS
            if let l = e.line { line = l }
        }
        var out: [UInt8] = []
        out.reserveCapacity(epochs.count)
        var i = 0
        while i < steps.count {
            // The longest repeat of the steps `period` epochs before, for the periods worth trying.
            // A plain loop over the buffer: `stride` and checked subscripts cost ~2k instructions
            // per epoch, most of what the writer's seal spends encoding.
            // Most steps repeat none of the 64 before (a live run's times differ): a period is
            // measured only when its first step matches, one compare each.
            let best = steps.withUnsafeBufferPointer { s in
                var best = (period: 0, length: 0)
                let step = s[i]
                let periods = min(maxCopyPeriod, i)
                var period = 1
                while period <= periods {
                    if s[i - period] == step {
                        var length = 1
                        while i + length < s.count, s[i + length] == s[i + length - period] { length += 1 }
                        if length > best.length { best = (period, length) }
                    }
                    period += 1
                }
                return best
            }
            if best.length >= minCopyLength {
                out.append(0)
                ValueCodec.putVarint(UInt64(best.period), &out)
                ValueCodec.putVarint(UInt64(best.length), &out)
                i += best.length
                continue
            }
            let step = steps[i]
            ValueCodec.putVarint(UInt64(step.kind + 1) << 2 | (step.dl != 0 ? 2 : 0) | (step.dt != 0 ? 1 : 0), &out)
            if step.dt != 0 { putZigzag(step.dt, &out) }
            if step.dl != 0 { putZigzag(step.dl, &out) }
            i += 1
        }
        return (out, low, high)
    }

    /// What `data` records of one epoch: its kind, its time minus the previous epoch's, and its
    /// line minus the previous line minus 1 (0 for a kind without lines).
    struct Step: Equatable {
        var kind: Int
        var dt: Int64
        var dl: Int64
    }

    /// A copy repeats at most this far back (a training loop addressing up to 64 windows in turn).
    static let maxCopyPeriod = 64
    /// Fewer epochs are written one by one: a copy takes three bytes or more.
    static let minCopyLength = 4

    func insert(_ db: Connection) throws {
        try Self.insert(
            firstEpoch: firstEpoch, lastEpoch: lastEpoch, minTimeMS: minTimeMS, maxTimeMS: maxTimeMS,
            kinds: Self.encodeKinds(kinds), data: data, db)
    }

    /// Writes the run of `epochs` (consecutive numbers, at least one), each naming one of
    /// `kinds`, given as `encode(_:into:)` writes them.
    static func insert(encodedKinds kinds: [[UInt8]], epochs: [Epoch], _ db: Connection) throws {
        var blob: [UInt8] = []
        ValueCodec.putVarint(UInt64(kinds.count), &blob)
        for k in kinds { blob.append(contentsOf: k) }
        let (data, low, high) = encode(epochs)
        try insert(
            firstEpoch: epochs[0].epoch, lastEpoch: epochs[epochs.count - 1].epoch, minTimeMS: low, maxTimeMS: high,
            kinds: blob, data: data, db)
    }

    /// One stored string, so the connection's statement cache finds its statement by address.
    private static let insertSQL = "INSERT INTO epoch_run(\(columns)) VALUES (?, ?, ?, ?, ?, ?)"

    private static func insert(
        firstEpoch: Int64, lastEpoch: Int64, minTimeMS: Int64, maxTimeMS: Int64, kinds: [UInt8], data: [UInt8],
        _ db: Connection
    ) throws {
        try db.run(
            insertSQL,
            [
                .integer(firstEpoch), .integer(lastEpoch), .integer(minTimeMS), .integer(maxTimeMS), .blob(kinds),
                .blob(data),
            ])
    }

    /// Its epochs, in ascending order.
    func epochs() throws -> [Epoch] {
        var out: [Epoch] = []
        out.reserveCapacity(Int(clamping: count))
        try data.withUnsafeBytes { bytes in
            var r = Reader(bytes: bytes)
            var time = minTimeMS
            var line: Int64 = 0
            var epoch = firstEpoch
            var steps: [Step] = []
            func add(_ step: Step) throws {
                guard epoch <= lastEpoch else { throw DecodeError(what: "more epochs than \(count)") }
                time = time &+ step.dt
                var l: Int64?
                if kinds[step.kind].numbered {
                    line = line &+ step.dl &+ 1
                    l = line
                }
                out.append(Epoch(epoch: epoch, timeMS: time, kind: step.kind, line: l))
                steps.append(step)
                epoch += 1
            }
            while !r.atEnd {
                let code = try r.varint()
                if code == 0 {  // a copy
                    let period = try r.varint()
                    let length = try r.varint()
                    guard period > 0, period <= UInt64(steps.count), length <= UInt64(count) else {
                        throw DecodeError(what: "a copy of \(length) from \(period) back after \(steps.count)")
                    }
                    for _ in 0..<length { try add(steps[steps.count - Int(period)]) }
                    continue
                }
                guard code >= 4, code >> 2 <= UInt64(kinds.count) else {
                    throw DecodeError(what: "code \(code) with \(kinds.count) kinds")
                }
                let kind = Int(code >> 2) - 1
                let dt = code & 1 != 0 ? try r.zigzag() : 0
                let dl = code & 2 != 0 ? try r.zigzag() : 0
                guard dl == 0 || kinds[kind].numbered else {
                    throw DecodeError(what: "a line delta for a source without lines")
                }
                try add(Step(kind: kind, dt: dt, dl: dl))
            }
        }
        guard out.count == count else { throw DecodeError(what: "\(out.count) epochs, not \(count)") }
        return out
    }

    /// The epoch row `e` replaced, as `EpochTable` reads rows, and the window it names.
    func record(_ e: Epoch) -> (EpochRecord, window: Int64?) {
        let k = kinds[e.kind]
        func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
        let source = e.line.map { text(k.source) + String($0) } ?? text(k.source)
        return (
            EpochRecord(
                epoch: e.epoch, timeMS: e.timeMS, source: source, endpoint: text(k.endpoint),
                env: k.env.map(text), window: k.win.map(text), status: text(k.status), detail: text(k.detail)),
            k.windowID
        )
    }

    // MARK: sources

    /// `source` split into its `FILE:` part and its line when it ends in ':' and a line number
    /// written as `String(line)` writes it (so the split is undone exactly); nil otherwise.
    static func splitLine(_ source: [UInt8]) -> (prefix: [UInt8], line: Int64)? {
        source.withUnsafeBytes { bytes in lineSplit(bytes).map { (Array(source[..<$0.prefixCount]), $0.line) } }
    }

    /// `splitLine` on bytes: how many bytes the `FILE:` part has, and the line.
    static func lineSplit(_ source: UnsafeRawBufferPointer) -> (prefixCount: Int, line: Int64)? {
        guard let colon = source.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        let digits = source[(colon + 1)...]
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            digits.first != 0x30 || digits.count == 1
        else { return nil }
        return (colon + 1, digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) })
    }

    // MARK: kinds encoding

    static func encodeKinds(_ kinds: [Kind]) -> [UInt8] {
        var out: [UInt8] = []
        ValueCodec.putVarint(UInt64(kinds.count), &out)
        for k in kinds { encode(k, into: &out) }
        return out
    }

    /// One kind as `kinds` holds it (flags, texts, window_id), written by `KindWriter`.
    static func encode(_ k: Kind, into out: inout [UInt8]) {
        var w = KindWriter(appendingTo: &out)
        k.source.withUnsafeBytes { w.source($0, numbered: k.numbered) }
        k.endpoint.withUnsafeBytes { w.endpoint($0) }
        withOptionalBytes(k.env) { w.env($0) }
        withOptionalBytes(k.win) { w.win($0) }
        k.status.withUnsafeBytes { w.status($0) }
        k.detail.withUnsafeBytes { w.detail($0) }
        out = w.finish(windowID: k.windowID)
    }

    private static func withOptionalBytes(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> Void) {
        guard let bytes else { return body(nil) }
        bytes.withUnsafeBytes { body($0) }
    }

    /// Writes one kind's encoding field by field, from bytes lent by whoever holds them (a
    /// `Kind`, an epoch row's columns, a remembered epoch's strings): the one place the layout
    /// is written. Fields go in the layout's order: `source`, `endpoint`, `env`, `win`,
    /// `status`, `detail`, then `finish`, which writes the window id and the flags byte that
    /// leads the kind (bit 1 numbered, 2 env, 4 win, 8 window id).
    struct KindWriter {
        private var out: [UInt8]
        private let flagsAt: Int
        private var flags: UInt8 = 0

        /// Appends a kind to `buffer`'s bytes, taking over its storage (and leaving it empty):
        /// a buffer kept for reuse is written without allocating. `finish` gives the bytes back.
        init(appendingTo buffer: inout [UInt8]) {
            out = buffer
            buffer = []
            flagsAt = out.count
            out.append(0)
        }

        /// The source, or for a numbered kind its part up to and including its last ':'.
        mutating func source(_ bytes: UnsafeRawBufferPointer, numbered: Bool) {
            if numbered { flags |= 1 }
            text(bytes)
        }

        mutating func endpoint(_ bytes: UnsafeRawBufferPointer) { text(bytes) }

        mutating func env(_ bytes: UnsafeRawBufferPointer?) {
            guard let bytes else { return }
            flags |= 2
            text(bytes)
        }

        mutating func win(_ bytes: UnsafeRawBufferPointer?) {
            guard let bytes else { return }
            flags |= 4
            text(bytes)
        }

        mutating func status(_ bytes: UnsafeRawBufferPointer) { text(bytes) }

        mutating func detail(_ bytes: UnsafeRawBufferPointer) { text(bytes) }

        /// The buffer's bytes and the kind's, its window id and flags written.
        consuming func finish(windowID: Int64?) -> [UInt8] {
            if let windowID {
                flags |= 8
                putZigzag(windowID, &out)
            }
            out[flagsAt] = flags
            return out
        }

        /// A text: its varint byte length, then its bytes (copied as one block: appending a raw
        /// buffer's bytes one by one cost ~150 instructions a text).
        private mutating func text(_ bytes: UnsafeRawBufferPointer) {
            ValueCodec.putVarint(UInt64(bytes.count), &out)
            out.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
        }
    }

    static func decodeKinds(_ bytes: UnsafeRawBufferPointer) throws -> [Kind] {
        var r = Reader(bytes: bytes)
        let n = try r.varint()
        guard n <= UInt64(bytes.count) else { throw DecodeError(what: "\(n) kinds in \(bytes.count) bytes") }
        var kinds: [Kind] = []
        for _ in 0..<n {
            let flags = try r.byte()
            guard flags < 16 else { throw DecodeError(what: "kind flags \(flags)") }
            let source = try r.text()
            let endpoint = try r.text()
            let env = flags & 2 != 0 ? try r.text() : nil
            let win = flags & 4 != 0 ? try r.text() : nil
            let status = try r.text()
            let detail = try r.text()
            let window = flags & 8 != 0 ? try r.zigzag() : nil
            kinds.append(
                Kind(
                    source: source, numbered: flags & 1 != 0, endpoint: endpoint, env: env, win: win, status: status,
                    detail: detail, windowID: window))
        }
        guard r.atEnd else { throw DecodeError(what: "bytes after the kinds") }
        return kinds
    }

    // MARK: primitives

    static func putZigzag(_ v: Int64, _ out: inout [UInt8]) {
        ValueCodec.putVarint(UInt64(bitPattern: (v << 1) ^ (v >> 63)), &out)
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0
        var atEnd: Bool { offset >= bytes.count }

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw DecodeError(what: "truncated") }
            offset += 1
            return bytes[offset - 1]
        }

        mutating func varint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard shift < 64 else { throw DecodeError(what: "varint too long") }
                let b = try byte()
                result |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }

        mutating func zigzag() throws -> Int64 {
            let u = try varint()
            return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
        }

        mutating func text() throws -> [UInt8] {
            let n = try varint()
            guard n <= UInt64(bytes.count - offset) else { throw DecodeError(what: "truncated text") }
            defer { offset += Int(n) }
            return Array(bytes[offset..<offset + Int(n)])
        }
    }
}
