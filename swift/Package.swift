// swift-tools-version:5.10
// The Swift side of typofix's ANE engine: a dynamic library exporting the C ABI of
// Sources/CTypofixANE/include/typofix_ane.h (@_cdecl functions), running ANEMLL CoreML models on the
// Neural Engine. The header is a C target (module CTypofixANE) so that the build checks every exported
// function against its prototype (Sources/TypofixANE/ABICheck.swift) and takes the ABI version from it.
// Platform: `.macOS("15.0")` (the `.v15` constant needs tools-version 6.0); stateful models need macOS 15.
import PackageDescription

let package = Package(
    name: "TypofixANE",
    platforms: [.macOS("15.0")],
    products: [
        .library(name: "TypofixANE", type: .dynamic, targets: ["TypofixANE"]),
    ],
    targets: [
        .target(name: "CTypofixANE", path: "Sources/CTypofixANE", publicHeadersPath: "include"),
        .target(name: "TypofixANE", dependencies: ["CTypofixANE"], path: "Sources/TypofixANE", linkerSettings: [.linkedFramework("CoreML")]),
        .testTarget(name: "TypofixANETests", dependencies: ["TypofixANE"], path: "Tests/TypofixANETests"),
    ]
)
