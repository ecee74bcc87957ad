// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "LogStore",
    products: [
        .library(name: "LogStore", targets: ["LogStore"]),
        .executable(name: "logstore", targets: ["logstore-cli"]),
        // The C ABI (include/logstore.h). scripts/build-clib.sh builds it with the Swift runtime
        // linked in statically and installs it as liblogstore.so (a product may not share the
        // name of the `logstore` executable).
        .library(name: "LogStoreC", type: .dynamic, targets: ["LogStoreC"]),
    ],
    targets: [
        // The only C in the project: SQLite's header, reached through pkg-config.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "LogStore",
            dependencies: ["CSQLite"],
            exclude: ["Store/schema.sql"],
            resources: [.embedInCode("Store/schema.sql")]
        ),
        .executableTarget(
            name: "logstore-cli",
            dependencies: ["LogStore"]
        ),
        .target(
            name: "LogStoreC",
            dependencies: ["LogStore"],
            exclude: ["include"]
        ),
        .executableTarget(
            name: "logstore-bench",
            dependencies: ["LogStore"],
            path: "Benchmarks/logstore-bench"
        ),
        .testTarget(
            name: "LogStoreTests",
            dependencies: ["LogStore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "logstore-cliTests",
            dependencies: ["LogStore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
