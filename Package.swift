// swift-tools-version: 6.1
import Foundation
import PackageDescription

let package = Package(
    name: "CaptionKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CaptionKit", targets: ["CaptionKit"]),
        .executable(name: "caption", targets: ["caption"]),
        .library(name: "CaptionEval", targets: ["CaptionEval"]),
        .executable(name: "caption-eval", targets: ["caption-eval"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries: module maps only; flags come from pkg-config, packages from apt.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "pkg-config"])]
        ),
        .systemLibrary(
            name: "CJPEG",
            pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev", "zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Snowball stemmers (Debian's libstemmer, Snowball 2.2): METEOR's stem stage. No pkg-config file.
        .systemLibrary(
            name: "CStemmer",
            providers: [.apt(["libstemmer-dev"])]
        ),
        // libjpeg/libpng calls behind setjmp/longjmp error handling (see its header).
        .target(
            name: "CImageCodecs",
            dependencies: ["CJPEG", "CPNG"]
        ),
        // The decoder's few-rows product, compiled for AVX2 + FMA and for the baseline
        // (chosen at run time): Swift's baseline x86-64 code has neither.
        .target(name: "CKernels"),
        .target(
            name: "CaptionKit",
            dependencies: ["COpenBLAS", "CZlib", "CImageCodecs", "CKernels"]
        ),
        .testTarget(
            name: "CaptionKitTests",
            dependencies: ["CaptionKit"],
            path: "Tests/CaptionKitTests"
        ),
        // `caption serve`: the HTTP captioning service (API, web page, queue, metrics).
        .target(
            name: "CaptionServer",
            dependencies: [
                "CaptionKit",
                "CaptionEval",  // JSONWriter: the one JSON string escaper
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "CaptionServerTests",
            dependencies: [
                "CaptionServer",
                "CaptionKit",
                // ServeCommandTests run the built `caption serve`.
                "caption",
            ],
            path: "Tests/CaptionServerTests"
        ),
        // The `caption` command: captions image files, folders and lists with a model bundle.
        .executableTarget(
            name: "caption",
            dependencies: [
                "CaptionKit",
                "CaptionEval",
                "CaptionServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Runs the built `caption` executable (found next to the test bundle).
        .testTarget(
            name: "CaptionCommandTests",
            dependencies: ["caption", "CaptionKit"],
            path: "Tests/CaptionCommandTests"
        ),
        // Caption metrics (PTB tokenizer, BLEU, METEOR, ROUGE-L, CIDEr-D), dataset readers,
        // reports. CaptionKit's zip reader opens the METEOR data (the pycocoevalcap wheel).
        .target(
            name: "CaptionEval",
            dependencies: ["CaptionKit", "CZlib", "CStemmer"]
        ),
        // `caption-eval score` and `caption-eval run` (captions with CaptionKit, then scores).
        .executableTarget(
            name: "caption-eval",
            dependencies: [
                "CaptionEval",
                "CaptionKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "CaptionEvalTests",
            dependencies: ["CaptionEval"],
            path: "Tests/CaptionEvalTests"
        ),
        .testTarget(
            name: "CaptionEvalCommandTests",
            dependencies: ["caption-eval", "CaptionEval", "CaptionKit"],
            path: "Tests/CaptionEvalCommandTests"
        ),
    ]
)

// The DocC plugin, only when scripts/docs builds the API reference: the everyday build and
// tests neither resolve nor compile it.
if ProcessInfo.processInfo.environment["CAPTIONKIT_DOCC"] == "1" {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", exact: "1.5.0"))
}
