import LogStore

/// The few Python operations visdom's read handlers apply to a request's JSON body, with the
/// exceptions Python would raise (each becomes a 500).
struct PythonArgs {
    let object: JSONObject

    /// `tornado.escape.json_decode(body)` followed by the handler's first `args.get` / `args[k]`:
    /// the body must be UTF-8 JSON holding an object.
    init(body: [UInt8]) throws(HandlerRaised) {
        let value: JSONValue
        do { value = try JSONReader.parse(body, maxDepth: JSONReader.visdomRequestMaxDepth) } catch { throw HandlerRaised(reason: "JSONDecodeError: \(error)") }
        guard case .object(let o) = value else { throw HandlerRaised(reason: "AttributeError: request body is not an object") }
        object = o
    }

    /// `key in args`.
    func has(_ key: String) -> Bool { object[key] != nil }

    /// `args.get(key)`.
    func get(_ key: String) -> JSONValue { object[key] ?? .null }

    /// `args[key]`.
    func item(_ key: String) throws(HandlerRaised) -> JSONValue {
        guard let v = object[key] else { throw HandlerRaised(reason: "KeyError: '\(key)'") }
        return v
    }

    /// `extract_eid(args)`: "main" when `eid` is missing or None, else `escape_eid(eid)`.
    func eid() throws(HandlerRaised) -> String {
        switch get("eid") {
        case .null: return "main"
        case .string(let s): return VisdomEnvID.escape(s)
        default: throw HandlerRaised(reason: "AttributeError: eid has no attribute 'replace'")
        }
    }
}

/// `key in d` where `d` is a dict with string keys: a list or dict key raises (unhashable);
/// any other non-string key is simply absent.
func windowKey(_ key: JSONValue) throws(HandlerRaised) -> String? {
    switch key {
    case .string(let s): return s
    case .array: throw HandlerRaised(reason: "TypeError: unhashable type: 'list'")
    case .object: throw HandlerRaised(reason: "TypeError: unhashable type: 'dict'")
    default: return nil
    }
}
