// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "choo-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "choo", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The repository was renamed from package-benchmark; the plugin warns on the old identifier.
        // Only the MallocInterposer trait: the default RuntimeInterposer trait (ARC metrics on Swift 6.3
        // Linux) needs swift-runtime-interposer, which the offline package mirror lacks, and these
        // benchmarks measure no ARC metrics.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(name: "SpecTreeGenerator"),
        .executableTarget(
            name: "generate-spec-tree",
            dependencies: [
                "SpecTreeGenerator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "read-model-cost",
            dependencies: [.product(name: "ChooCore", package: "choo")]
        ),
        .executableTarget(
            name: "DiscoveryBenchmark",
            dependencies: [
                "SpecTreeGenerator",
                .product(name: "ChooCore", package: "choo"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DiscoveryBenchmark",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
