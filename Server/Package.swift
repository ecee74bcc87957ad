// swift-tools-version:6.2
import PackageDescription

// `logstore-server`: visdom 0.2.4's HTTP and websocket API over a LogStore store.
//
// A package of its own, so that the LogStore library and the `logstore` command (the package
// one directory up) build without any third-party package; only this package depends on an HTTP
// server library (Hummingbird, on SwiftNIO).
let package = Package(
    name: "logstore-server",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "logstore-server", targets: ["logstore-server"]),
        .executable(name: "load-floor", targets: ["load-floor"]),
    ],
    dependencies: [
        .package(name: "LogStore", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // visdom's request handlers as plain functions from a request to a response, over the
        // store: no HTTP library here, so every answer is testable without sockets.
        .target(
            name: "VisdomService",
            dependencies: [.product(name: "LogStore", package: "LogStore")]
        ),
        // The HTTP/websocket adapter (Hummingbird) and the command line (swift-argument-parser:
        // `serve`'s options are declared here only; `logstore serve` passes them on).
        .executableTarget(
            name: "logstore-server",
            dependencies: [
                "VisdomService",
                .product(name: "LogStore", package: "LogStore"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The load test's floor (scripts/server-tests/load.py): a bare Hummingbird server that
        // answers every request with a fixed 200, so that logstore-server's figures can be read
        // as a fraction of what the HTTP stack alone serves on the same machine.
        .executableTarget(
            name: "load-floor",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        ),
        .testTarget(
            name: "VisdomServiceTests",
            dependencies: ["VisdomService", .product(name: "LogStore", package: "LogStore")]
        ),
        // Runs the built logstore-server (its command line), so it depends on it to be built.
        .testTarget(
            name: "logstore-serverTests",
            dependencies: ["logstore-server"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
