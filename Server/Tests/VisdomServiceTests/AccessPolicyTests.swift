import LogStore
import XCTest

@testable import VisdomService

final class AccessPolicyTests: XCTestCase {
    func testSHA256KnownAnswers() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256.hex(String(repeating: "a", count: 1000)),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testBearerToken() async throws {
        let s = VisdomService(
            store: try LogStore(path: try temporaryStorePath(self)), access: AccessPolicy(bearerToken: "s3cret"))
        var r = await s.post("/env_state", "{}")
        XCTAssertEqual(r.status, 401)
        XCTAssertEqual(r.headers.first?.value, "Bearer")
        r = await s.post("/env_state", "{}", headers: [("Authorization", "Bearer wrong")])
        XCTAssertEqual(r.status, 401)
        r = await s.post(
            "/events", #"{"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "main"}"#,
            headers: [("authorization", "Bearer s3cret")])
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(try s.store.lastEpoch, 1, "only the authenticated request was applied")
    }

    /// visdom's `-enable_login`: the client sends sha256(password); the server compares
    /// sha256 of that with its stored sha256(sha256(password)) and sets `user_password`.
    func testVisdomLogin() async throws {
        let access = AccessPolicy(login: .init(username: "ann", password: "pw"))
        let s = VisdomService(store: try LogStore(path: try temporaryStorePath(self)), access: access)
        var r = await s.post("/env_state", "{}")
        XCTAssertEqual(r.status, 400, "visdom's check_auth answers 400")
        r = await s.post("/", #"{"username": "ann", "password": "\#(SHA256.hex("wrong"))"}"#)
        XCTAssertEqual(r.status, 400)
        r = await s.post("/", #"{"username": "ann", "password": "\#(SHA256.hex("pw"))"}"#)
        XCTAssertEqual(r.status, 200)
        let setCookie = try XCTUnwrap(r.headers.first { $0.name == "Set-Cookie" }?.value)
        XCTAssertTrue(setCookie.contains("; HttpOnly") && setCookie.contains("; SameSite=Strict"), setCookie)
        let cookie = String(setCookie.split(separator: ";")[0])
        XCTAssertTrue(cookie.hasPrefix("user_password="))
        r = await s.post("/env_state", "{}", headers: [("Cookie", "other=1; \(cookie)")])
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.text, #"["main"]"#)
        r = await s.post("/env_state", "{}", headers: [("Cookie", "user_password=guess")])
        XCTAssertEqual(r.status, 400)
    }

    /// With a token and a login, the login itself must carry the token; and the username is
    /// compared byte for byte (an NFD spelling of an NFC name is another name).
    func testLoginNeedsTheTokenAndTheExactName() async throws {
        let access = AccessPolicy(bearerToken: "s3cret", login: .init(username: "caf\u{E9}", password: "pw"))
        let s = VisdomService(store: try LogStore(path: try temporaryStorePath(self)), access: access)
        let nfc = #"{"username": "caf\u00e9", "password": "\#(SHA256.hex("pw"))"}"#
        let nfd = #"{"username": "cafe\u0301", "password": "\#(SHA256.hex("pw"))"}"#
        var r = await s.post("/", nfc)
        XCTAssertEqual(r.status, 401, "a login without the token")
        r = await s.post("/", nfd, headers: [("Authorization", "Bearer s3cret")])
        XCTAssertEqual(r.status, 400, "the NFD twin of the user name")
        r = await s.post("/", nfc, headers: [("Authorization", "Bearer s3cret")])
        XCTAssertEqual(r.status, 200)
    }
}
