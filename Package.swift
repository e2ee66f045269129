// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "connect-mock",
    products: [
        .executable(name: "connect-mock", targets: ["connect-mock"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "CLibUV", pkgConfig: "libuv", providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "ASCII"),
        .target(name: "Timekeeping"),
        .target(name: "JSON", dependencies: ["ASCII"]),
        .target(name: "HTTP1", dependencies: ["ASCII", "Timekeeping"]),
        .target(name: "SigV4", dependencies: [
            "ASCII", "Timekeeping",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "ContactModel", dependencies: [
            "ASCII", "JSON", "Timekeeping",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "ContactStore", dependencies: ["CSQLite", "ContactModel", "JSON"]),
        .target(name: "Server", dependencies: [
            "ASCII", "CLibUV", "HTTP1", "Timekeeping",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "ConnectMock", dependencies: [
            "ASCII", "Server", "HTTP1", "SigV4", "ContactModel", "ContactStore", "JSON", "Timekeeping",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "connect-mock", dependencies: [
            "ConnectMock",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "ASCIITests", dependencies: ["ASCII"]),
        .testTarget(name: "TimekeepingTests", dependencies: ["Timekeeping"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "HTTP1Tests", dependencies: ["ASCII", "HTTP1"], exclude: ["malformed-requests.txt"]),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4", "Timekeeping"]),
        .testTarget(name: "ContactModelTests", dependencies: ["ContactModel", "JSON", "Timekeeping"], exclude: ["Fixtures"]),
        .testTarget(name: "ContactStoreTests", dependencies: ["ContactStore", "ContactModel", "JSON"]),
        .testTarget(name: "FuzzTests", dependencies: ["ASCII", "HTTP1", "SigV4", "ContactModel", "JSON", "Timekeeping"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "Timekeeping"]),
        .testTarget(name: "ConnectMockTests", dependencies: ["ASCII", "ConnectMock", "Server", "SigV4", "ContactModel", "JSON", "Timekeeping"]),
    ]
)
