// swift-tools-version:5.10
// The Swift side of typofix's ANE engine: a dynamic library exporting the C ABI of
// include/typofix_ane.h (@_cdecl functions), running ANEMLL CoreML models on the Neural Engine.
import PackageDescription

let package = Package(
    name: "TypofixANE",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TypofixANE", type: .dynamic, targets: ["TypofixANE"]),
    ],
    targets: [
        .target(name: "TypofixANE", path: "Sources/TypofixANE", linkerSettings: [.linkedFramework("CoreML")]),
        .testTarget(name: "TypofixANETests", dependencies: ["TypofixANE"], path: "Tests/TypofixANETests"),
    ]
)
