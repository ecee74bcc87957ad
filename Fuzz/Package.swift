// swift-tools-version:5.4
import PackageDescription

// libFuzzer targets for LogStore's JSON reader/writer and its replay-log message decoder.
// Build and run them with Fuzz/run.sh (see Fuzz/README.md). The sanitizer flags are passed on
// the command line (`-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library`) rather
// than as `unsafeFlags` here, so that the LogStore library is instrumented for coverage too,
// not only these harnesses.
//
// Why tools version 5.4: from 5.5 on, SwiftPM compiles an executable target's entry point as
// `<module>_main` and links with `--defsym main=<module>_main` (testable executables). With
// `-parse-as-library` there is no such function (libFuzzer provides `main`), and linking fails
// with "undefined symbol 'fuzz_json_main'". Manifests of tools version 5.4 are built without
// that renaming. The root package stays at 6.0; only this manifest is old.
//
// Each target compiles Tests/LogStoreTests/Fuzz/FuzzOracles.swift through a symlink, so the
// main package's FuzzRegressionTests replay saved inputs through the very same oracle.
let package = Package(
    name: "LogStoreFuzz",
    dependencies: [.package(name: "LogStore", path: "..")],
    targets: [
        .executableTarget(name: "fuzz-json", dependencies: [.product(name: "LogStore", package: "LogStore")]),
        .executableTarget(name: "fuzz-message", dependencies: [.product(name: "LogStore", package: "LogStore")]),
    ],
    swiftLanguageVersions: [.version("6")]
)
