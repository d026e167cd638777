// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "rights-registry",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rights", targets: ["RegistryCLI"]),
        .library(name: "RightsRegistry", targets: ["RightsRegistry"]),
        .library(name: "Exchange", targets: ["Exchange"]),
        .library(name: "RegistryServer", targets: ["RegistryServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "RightsRegistry",
            dependencies: [
                "COpenSSL",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Exchange",
            dependencies: ["RightsRegistry"],
            swiftSettings: strict
        ),
        .target(
            name: "RegistryServer",
            dependencies: ["RightsRegistry", "Exchange"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "RegistryCLI",
            dependencies: [
                "RightsRegistry", "Exchange", "RegistryServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ImportBenchmark",
            dependencies: ["RightsRegistry", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/ImportBenchmark",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "LogBenchmark",
            dependencies: ["RightsRegistry", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/LogBenchmark",
            swiftSettings: strict
        ),
        .testTarget(
            name: "RightsRegistryTests",

            dependencies: ["RightsRegistry", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/RightsRegistryTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "RegistryCLITests",
            dependencies: ["RegistryCLI", "RightsRegistry"],
            path: "Tests/RegistryCLITests",
            swiftSettings: strict
        ),
    ]
)
