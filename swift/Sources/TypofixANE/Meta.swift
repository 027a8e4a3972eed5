// Reading an ANEMLL model folder: meta.yaml parameters and the file names they imply.
import Foundation

public struct AneMeta: Equatable {
    public var contextLength = 512
    public var batchSize = 64
    public var numChunks = 1
    public var splitLMHead = 16
    public var prefix = "qwen"
    public var lutEmbeddings: Int? = nil
    public var lutFFN: Int? = nil
    public var lutLMHead: Int? = nil

    /// Parse the few keys typofix needs from meta.yaml (`key: value` lines, anywhere in the file;
    /// no YAML library needed). LUT values "none", "null" or absent mean no LUT suffix.
    public static func parse(_ text: String) -> AneMeta {
        var m = AneMeta()
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            value = value.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            let int = Int(value)
            switch key {
            case "context_length": if let v = int { m.contextLength = v }
            case "batch_size": if let v = int { m.batchSize = v }
            case "num_chunks": if let v = int { m.numChunks = v }
            case "split_lm_head": if let v = int { m.splitLMHead = v }
            case "model_prefix": if !value.isEmpty { m.prefix = value }
            case "lut_embeddings": m.lutEmbeddings = int
            case "lut_ffn": m.lutFFN = int
            case "lut_lmhead": m.lutLMHead = int
            default: break
            }
        }
        return m
    }

    static func lut(_ bits: Int?) -> String { bits.map { "_lut\($0)" } ?? "" }

    public var embeddingsName: String { "\(prefix)_embeddings\(AneMeta.lut(lutEmbeddings)).mlmodelc" }
    public var lmHeadName: String { "\(prefix)_lm_head\(AneMeta.lut(lutLMHead)).mlmodelc" }

    /// FFN chunk file names to try, in order: with the chunk suffix, and (for one chunk) without it —
    /// some converter versions omit `_chunk_01of01`.
    public func ffnNames(chunk: Int) -> [String] {
        let base = "\(prefix)_FFN_PF\(AneMeta.lut(lutFFN))"
        let suffixed = String(format: "%@_chunk_%02dof%02d.mlmodelc", base, chunk + 1, numChunks)
        return numChunks == 1 ? [suffixed, "\(base).mlmodelc"] : [suffixed]
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
