// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "CaptionKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CaptionKit", targets: ["CaptionKit"]),
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
        // libjpeg/libpng calls behind setjmp/longjmp error handling (see its header).
        .target(
            name: "CImageCodecs",
            dependencies: ["CJPEG", "CPNG"]
        ),
        .target(
            name: "CaptionKit",
            dependencies: ["COpenBLAS", "CZlib", "CImageCodecs"]
        ),
        .testTarget(
            name: "CaptionKitTests",
            dependencies: ["CaptionKit"],
            path: "Tests/CaptionKitTests"
        ),
    ]
)
