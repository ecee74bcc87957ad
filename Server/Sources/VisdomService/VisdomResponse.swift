import LogStore

/// What the server answers to one HTTP request, before any HTTP library sees it.
public struct VisdomResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    /// For a request that changed state: the epoch it became. The answer is sent only after
    /// that epoch is durable, so a client that has it can rely on it surviving a crash.
    public var epoch: Int64?
    /// Headers beyond the content type (a login's session cookie, an authentication challenge).
    public var headers: [(name: String, value: String)]

    public init(status: Int, body: [UInt8] = [], epoch: Int64? = nil, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.body = body
        self.epoch = epoch
        self.headers = headers
    }

    public init(status: Int, text: String, epoch: Int64? = nil) {
        self.init(status: status, body: Array(text.utf8), epoch: epoch)
    }

    /// 200 with `text`, as visdom answers it (see `Outcome.httpStatus`).
    static func ok(_ text: String) -> VisdomResponse {
        let answer = Outcome.ok(text)
        return VisdomResponse(status: answer.httpStatus, body: answer.httpBody)
    }

    /// visdom's answer when its handler raised: tornado's 500, whose body is empty (visdom's
    /// error template does not exist in its package).
    static let raised = VisdomResponse(status: 500)

    public static func == (a: VisdomResponse, b: VisdomResponse) -> Bool {
        a.status == b.status && a.body == b.body && a.epoch == b.epoch
            && a.headers.elementsEqual(b.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}
