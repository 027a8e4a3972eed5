// Reading an ANEMLL model folder: meta.yaml's parameters, checked at open (a bad value is an error,
// never a trap), and the parts' files found as src/models/anemll.ts finds them (both are tested on the
// same layouts): meta.yaml's explicit `embeddings`, `lm_head` and `ffn` names first (as AnemllCore's
// YAMLConfig does), else names rebuilt from `model_prefix` and the LUT bits; each part a compiled
// `.mlmodelc` or an uncompiled `.mlpackage`; an FFN chunk one multi-function file (prefill + infer) or
// two (`_FFN_PF…` or `_prefill…` for prefill, `_FFN…` for infer).
import Foundation

public struct AneMeta: Equatable {
    public var contextLength = 512
    public var batchSize = 64
    public var numChunks = 1
    public var splitLMHead = 16
    /// Whether meta.yaml gave split_lm_head (then the lm head must have exactly that many parts).
    public var splitLMHeadGiven = false
    public var prefix = "qwen"
    public var lutEmbeddings: Int? = nil
    public var lutFFN: Int? = nil
    public var lutLMHead: Int? = nil
    /// Explicit file names from meta.yaml.
    public var embeddings: String? = nil
    public var lmHead: String? = nil
    public var ffn: String? = nil

    /// LUT bits from a meta.yaml value: 4, "6", "4,0" (bits, then a group size), 6.0; none, null, absent: nil.
    public static func lutBits(_ value: String) -> Int? {
        let digits = value.trimmingCharacters(in: .whitespaces).prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty ? nil : Int(digits)
    }

    /// Parse the keys typofix needs from meta.yaml (`key: value` lines; no YAML library needed) and check
    /// them: context_length, batch_size, num_chunks and split_lm_head must be whole numbers of at least 1.
    public static func parse(_ text: String) throws -> AneMeta {
        var m = AneMeta()
        func count(_ key: String, _ value: String) throws -> Int {
            guard let d = Double(value), d >= 1, d == d.rounded(), d < 1e9 else {
                throw AneError.message("meta.yaml: \(key) must be a whole number of at least 1 (got \(value))")
            }
            return Int(d)
        }
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let hash = value.range(of: " #") { value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces) }
            value = value.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            if value.isEmpty || value == "null" || value == "~" { continue }
            switch key {
            case "context_length": m.contextLength = try count(key, value)
            case "batch_size": m.batchSize = try count(key, value)
            case "num_chunks": m.numChunks = try count(key, value)
            case "split_lm_head":
                m.splitLMHead = try count(key, value)
                m.splitLMHeadGiven = true
            case "model_prefix": m.prefix = value
            case "lut_embeddings": m.lutEmbeddings = lutBits(value)
            case "lut_ffn": m.lutFFN = lutBits(value)
            case "lut_lmhead": m.lutLMHead = lutBits(value)
            case "embeddings", "lm_head", "ffn":
                guard !value.contains("/"), !value.contains("\\"), !value.hasPrefix(".") else {
                    throw AneError.message("meta.yaml: \(key) must be a file name in the model folder (got \(value))")
                }
                if key == "embeddings" { m.embeddings = value } else if key == "lm_head" { m.lmHead = value } else { m.ffn = value }
            default: break
            }
        }
        return m
    }

    static func lut(_ bits: Int?) -> String { bits.map { "_lut\($0)" } ?? "" }
    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    func chunk(_ c: Int) -> String { "_chunk_\(AneMeta.two(c + 1))of\(AneMeta.two(numChunks))" }

    /// Candidate names (with or without extension), in order.
    public var embeddingsNames: [String] {
        (embeddings.map { [$0] } ?? []) + ["\(prefix)_embeddings\(AneMeta.lut(lutEmbeddings))", "\(prefix)_embeddings"]
    }
    public var lmHeadNames: [String] {
        (lmHead.map { [$0] } ?? []) + ["\(prefix)_lm_head\(AneMeta.lut(lutLMHead))", "\(prefix)_lm_head"]
    }
    /// The prefill model of a chunk (a multi-function file holds infer too). An explicit `ffn` names the
    /// first chunk; the others differ in their "_chunk_01of" part.
    public func prefillNames(chunk c: Int) -> [String] {
        var out: [String] = []
        if let f = ffn { out.append(f.replacingOccurrences(of: "_chunk_01of", with: "_chunk_\(AneMeta.two(c + 1))of")) }
        let pf = "\(prefix)_FFN_PF\(AneMeta.lut(lutFFN))"
        out.append(pf + chunk(c))
        if numChunks == 1 { out.append(pf) } // some converter versions omit `_chunk_01of01`
        out.append("\(prefix)_prefill\(AneMeta.lut(lutFFN))\(chunk(c))")
        out.append("\(prefix)_prefill\(chunk(c))")
        return out
    }
    /// A separate infer model of a chunk, when the conversion has one.
    public func inferNames(chunk c: Int) -> [String] {
        var out = ["\(prefix)_FFN\(AneMeta.lut(lutFFN))\(chunk(c))", "\(prefix)_FFN\(chunk(c))"]
        if numChunks == 1 { out.append("\(prefix)_FFN\(AneMeta.lut(lutFFN))") }
        return out
    }

    static func stripExtension(_ n: String) -> String {
        for e in [".mlmodelc", ".mlpackage"] where n.hasSuffix(e) { return String(n.dropLast(e.count)) }
        return n
    }

    /// The first candidate present in the folder, as a file name with its extension.
    public static func find(_ names: [String], in folder: URL) -> String? {
        for n in names {
            let base = stripExtension(n)
            for f in [n, base + ".mlmodelc", base + ".mlpackage"] where f.hasSuffix(".mlmodelc") || f.hasSuffix(".mlpackage") {
                if FileManager.default.fileExists(atPath: folder.appendingPathComponent(f).path) { return f }
            }
        }
        return nil
    }
}

/// Offsets of the split lm-head parts from their real sizes (when the vocabulary does not divide
/// evenly, the first parts are one longer).
public func lmHeadOffsets(_ sizes: [Int]) -> [Int] {
    var out: [Int] = []
    var o = 0
    for s in sizes { out.append(o); o += s }
    return out
}

/// Causal mask row for a query at `position` over `context` keys: 0 where key ≤ position, −inf elsewhere.
public func causalRow(position: Int, context: Int) -> [Float] {
    (0..<context).map { $0 <= position ? 0 : -Float.infinity }
}
