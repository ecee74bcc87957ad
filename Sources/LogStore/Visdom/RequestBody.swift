/// A request's body as visdom's handlers receive it, `tornado.escape.json_decode(body)`,
/// parsed once, straight into the tree the handlers work on (`PaneValue`: exact numbers,
/// Python's NaN and Infinity). A server parses each body into one of these and hands it on,
/// as a write (`LogStore.Message`) or a read (`LogStore.answer`).
///
/// Invariant: `args` is plain JSON (it holds no series reference).
public struct RequestBody: Sendable {
    let args: PaneValue

    /// Parses `bytes` as visdom decodes a body: UTF-8 JSON, nested at most as deep as Python's
    /// recursion limit allows. Anything else raises `JSONDecodeError` (tornado's 500).
    public init(json bytes: [UInt8]) throws(PyError) {
        let parsed = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONSyntaxError) in
                try JSONReader.parse(raw, maxDepth: JSONReader.visdomRequestMaxDepth, as: PaneValue.self)
            }
        }
        switch parsed {
        case .success(let args): self.args = args
        case .failure(let error): throw PyError(type: "JSONDecodeError", message: "\(error)")
        }
    }

    /// `args.get(key)` for a key a server reads itself (a page's `sid`, a login's username):
    /// the member as plain JSON, nil when the body has no such key. Raises `AttributeError`, as
    /// `args.get` does, when the body is not a JSON object.
    public func member(_ key: String) throws(PyError) -> JSONValue? {
        guard case .object(let o) = args else { throw PyError.attributeError(args, "get") }
        return o[key].map { $0.plainJSON ?? .null }
    }

    /// `args[key]`: as `member`, but a missing key raises `KeyError`.
    public func item(_ key: String) throws(PyError) -> JSONValue {
        guard let value = try member(key) else { throw PyError.keyError(.string(key)) }
        return value
    }

    /// `DataHandler`: a body with `data` sets windows (`Endpoint.winData`, a write); one without
    /// reads them (`VisdomRead.windowData`). A body that is not an object reads: visdom's
    /// `extract_eid` raises on it before it looks for `data`, and nothing is written.
    public var setsWindowData: Bool { args.objectValue?["data"] != nil }
}

extension LogStore.Message {
    /// A request to `endpoint` with a parsed body, which the handlers take as it is.
    public init(_ endpoint: Endpoint, _ body: RequestBody, source: String) {
        self.init(endpoint, pane: body.args, source: source)
    }
}
