// swift-tools-version:6.2
import PackageDescription

/// Every target of this package: warnings are errors in the compiler itself, so a warning fails
/// every build — an incremental one too, which does not recompile (and so would not print) a
/// file that warned before.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
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
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64", from: "1.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // QR codes on printed certificates (Debian's libqrencode, the encoder most tools use).
        .systemLibrary(
            name: "CQREncode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        // The process's allocator (Debian's jemalloc): allocating and freeing documents, strings
        // and arrays was a tenth of an import's own CPU with the C library's (issue 16).
        .systemLibrary(
            name: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
        ),
        .target(
            name: "RightsRegistry",
            dependencies: [
                "COpenSSL", "CJemalloc",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Exchange",
            dependencies: ["RightsRegistry", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "RegistryServer",
            dependencies: [
                "RightsRegistry", "Exchange", "CQREncode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The pages' templates, stylesheet and script, compiled into the binary so that
            // `rights` serves them from wherever it is copied.
            resources: [.embedInCode("Pages/Assets")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "RegistryCLI",
            dependencies: [
                "RightsRegistry", "Exchange", "RegistryServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],

            swiftSettings: strict
        ),
        .executableTarget(
            name: "ImportBenchmark",
            dependencies: [
                "RightsRegistry", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/ImportBenchmark",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "HTTPBenchmark",
            dependencies: ["RightsRegistry"],
            path: "Benchmarks/HTTPBenchmark",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "SettlementBenchmark",
            dependencies: [
                "RightsRegistry", "Exchange", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/SettlementBenchmark",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "LogBenchmark",
            dependencies: ["RightsRegistry", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/LogBenchmark",
            swiftSettings: strict
        ),
        .target(
            name: "RegistryTestSupport",
            dependencies: [
                "RightsRegistry", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/Support",
            swiftSettings: strict
        ),
        .testTarget(
            name: "RightsRegistryTests",
            dependencies: [
                "RightsRegistry", "RegistryTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            path: "Tests/RightsRegistryTests",
            resources: [.copy("Vectors")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ExchangeTests",
            dependencies: [
                "Exchange", "RightsRegistry", "RegistryTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            path: "Tests/ExchangeTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "RegistryServerTests",
            dependencies: [
                "RegistryServer", "RightsRegistry", "Exchange", "RegistryTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/RegistryServerTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "RegistryCLITests",

            dependencies: ["RegistryCLI", "RightsRegistry", "Exchange", "RegistryServer", "RegistryTestSupport"],
            path: "Tests/RegistryCLITests",
            swiftSettings: strict
        ),
    ]
)
