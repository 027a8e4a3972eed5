// The exported C ABI (Sources/CTypofixANE/include/typofix_ane.h; checked against it by ABICheck.swift). Every entry point catches its errors: nothing here may
// crash or throw into the host. Handles are retained AneRunner objects; strings returned to the caller
// are owned here (per handle for info, per thread for the last error).
import CoreML
import Foundation

final class CStringBox {
    let ptr: UnsafeMutablePointer<CChar>
    init(_ s: String) { ptr = strdup(s) }
    deinit { free(ptr) }
}

final class Handle {
    let runner: AneRunner
    var info: CStringBox?
    init(_ r: AneRunner) { runner = r }
}

private let errorKey = "typofix_ane_last_error"

func setError(_ message: String) {
    Thread.current.threadDictionary[errorKey] = CStringBox(message)
}

func handle(_ p: OpaquePointer?) -> Handle? {
    guard let p else { setError("invalid handle (NULL)"); return nil }
    return Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
}

@_cdecl("typofix_ane_abi_version")
public func typofix_ane_abi_version() -> Int32 { abiVersion }

@_cdecl("typofix_ane_open")
public func typofix_ane_open(_ dir: UnsafePointer<CChar>?, _ units: Int32) -> OpaquePointer? {
    setError("")
    guard let dir else { setError("model folder is NULL"); return nil }
    guard #available(macOS 15.0, *) else { setError("the ANE runner needs macOS 15 or later"); return nil }
    let cu: MLComputeUnits
    switch units {
    case 0: cu = .cpuAndNeuralEngine
    case 1: cu = .cpuOnly
    case 2: cu = .all
    default: setError("unknown compute units \(units)"); return nil
    }
    do {
        let runner = try AneRunner(folder: URL(fileURLWithPath: String(cString: dir)), units: cu)
        return OpaquePointer(Unmanaged.passRetained(Handle(runner)).toOpaque())
    } catch {
        setError("\(error)")
        return nil
    }
}

@_cdecl("typofix_ane_info_json")
public func typofix_ane_info_json(_ p: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let h = handle(p) else { return nil }
    let box = CStringBox(h.runner.infoJSON)
    h.info = box
    return UnsafePointer(box.ptr)
}

@_cdecl("typofix_ane_prefill")
public func typofix_ane_prefill(_ p: OpaquePointer?, _ ids: UnsafePointer<Int32>?, _ n: Int32) -> Int32 {
    guard let h = handle(p) else { return -1 }
    guard let ids, n > 0 else { setError("empty prompt"); return -1 }
    do { return try h.runner.prefill(Array(UnsafeBufferPointer(start: ids, count: Int(n)))) } catch { setError("\(error)"); return -1 }
}

@_cdecl("typofix_ane_decode")
public func typofix_ane_decode(_ p: OpaquePointer?, _ id: Int32) -> Int32 {
    guard let h = handle(p) else { return -1 }
    guard id >= 0, h.runner.vocabSize == 0 || Int(id) < h.runner.vocabSize else { setError("token id \(id) out of range"); return -1 }
    do { return try h.runner.decode(id) } catch { setError("\(error)"); return -1 }
}

@_cdecl("typofix_ane_forward")
public func typofix_ane_forward(_ p: OpaquePointer?, _ ids: UnsafePointer<Int32>?, _ n: Int32, _ keep: Int32, _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    guard let h = handle(p) else { return -1 }
    guard let ids, n > 0 else { setError("empty input"); return -1 }
    guard keep >= 1, keep <= n else { setError("keep \(keep) is not in 1…\(n)"); return -1 }
    guard let out else { setError("output array is NULL"); return -1 }
    let tokens = Array(UnsafeBufferPointer(start: ids, count: Int(n)))
    if let bad = tokens.first(where: { $0 < 0 || (h.runner.vocabSize > 0 && Int($0) >= h.runner.vocabSize) }) {
        setError("token id \(bad) out of range")
        return -1
    }
    do {
        let next = try h.runner.forward(tokens, keep: Int(keep))
        for (i, t) in next.enumerated() { out[i] = t }
        return keep
    } catch {
        setError("\(error)")
        return -1
    }
}

@_cdecl("typofix_ane_truncate")
public func typofix_ane_truncate(_ p: OpaquePointer?, _ length: Int32) -> Int32 {
    guard let h = handle(p) else { return -1 }
    do {
        try h.runner.truncate(Int(length))
        return 0
    } catch {
        setError("\(error)")
        return -1
    }
}

@_cdecl("typofix_ane_reset")
public func typofix_ane_reset(_ p: OpaquePointer?) -> Int32 {
    guard let h = handle(p) else { return -1 }
    h.runner.reset()
    return 0
}

@_cdecl("typofix_ane_close")
public func typofix_ane_close(_ p: OpaquePointer?) {
    guard let p else { return }
    Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(p)).release()
}

@_cdecl("typofix_ane_last_error")
public func typofix_ane_last_error() -> UnsafePointer<CChar>? {
    if let box = Thread.current.threadDictionary[errorKey] as? CStringBox { return UnsafePointer(box.ptr) }
    let box = CStringBox("")
    Thread.current.threadDictionary[errorKey] = box
    return UnsafePointer(box.ptr)
}
