// swift-tools-version: 6.1
// Benchmarks for CaptionKit: a separate package so that the main build, its tests and CI
// never build them. Run through Benchmarks/run, which builds in release mode.
import PackageDescription

let package = Package(
    name: "CaptionKitBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "CaptionKit", path: ".."),
    ],
    targets: [
        // Timing, argument and memory helpers shared by the executables.
        .target(name: "BenchmarkSupport"),
        .executableTarget(
            name: "ImageBenchmark",
            dependencies: ["BenchmarkSupport", .product(name: "CaptionKit", package: "CaptionKit")]
        ),
        .executableTarget(
            name: "ModelBenchmark",
            dependencies: ["BenchmarkSupport", .product(name: "CaptionKit", package: "CaptionKit")]
        ),
        .executableTarget(
            name: "CaptionProbe",
            dependencies: ["BenchmarkSupport", .product(name: "CaptionKit", package: "CaptionKit")]
        ),
    ]
)
