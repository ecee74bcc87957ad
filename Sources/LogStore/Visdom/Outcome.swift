/// What visdom answers to a request, read or write: every handler in this folder returns one.
public enum Outcome: Sendable, Equatable {
    /// HTTP 200 and the body visdom writes (a window id, "true", a window's JSON, …).
    case ok(String)
    /// HTTP 200 with a refusal visdom writes instead of acting ("win does not exist", …).
    case refused(String)
    /// HTTP 500: visdom raised. Whatever it changed before raising is kept.
    case failed(PyError)

    public var isOK: Bool { if case .ok = self { return true } else { return false } }

    /// The status tornado answers with: 200, or 500 when the handler raised. A body holding a
    /// lone surrogate (a window id sent as `"\ud800"`, kept as U+10D800, see `LoneSurrogate`)
    /// cannot be encoded as UTF-8 by tornado either: visdom answers 500 after its handler ran.
    public var httpStatus: Int {
        switch self {
        case .ok(let text), .refused(let text): return Self.holdsLoneSurrogate(text) ? 500 : 200
        case .failed: return 500
        }
    }

    /// The body tornado sends with `httpStatus`: visdom's text, or nothing with a 500 (visdom's
    /// error template does not exist in its package).
    public var httpBody: [UInt8] {
        switch self {
        case .ok(let text), .refused(let text): return Self.holdsLoneSurrogate(text) ? [] : Array(text.utf8)
        case .failed: return []
        }
    }

    /// Whether `text` holds a scalar of `LoneSurrogate.mapped`, U+10D800…U+10DFFF, whose UTF-8
    /// form starts F4 8D A0…BF: a scan of bytes, since a read's answer may be a large window.
    private static func holdsLoneSurrogate(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        while let b = utf8.next() {
            guard b == 0xF4 else { continue }
            guard utf8.next() == 0x8D, let third = utf8.next() else { continue }
            if (0xA0...0xBF).contains(third) { return true }
        }
        return false
    }
}
