// Running an ANEMLL model: embeddings → FFN chunk(s) (multifunction: prefill / infer, one shared
// MLState as the KV cache) → split lm head → argmax. Batched prefill, context cap, greedy decoding.
import CoreML
import Foundation

public enum AneError: Error, CustomStringConvertible {
    case message(String)
    public var description: String { if case let .message(m) = self { return m }; return "error" }
}

public final class AneRunner {
    public let meta: AneMeta
    public let units: MLComputeUnits
    let embeddings: MLModel
    let prefillChunks: [MLModel]
    let inferChunks: [MLModel]
    let lmHead: MLModel
    var state: MLState
    public private(set) var position = 0
    public private(set) var vocabSize = 0
    var partSizes: [Int] = []
    public var infoJSON = ""

    public init(folder: URL, units: MLComputeUnits) throws {
        let metaURL = folder.appendingPathComponent("meta.yaml")
        guard let text = try? String(contentsOf: metaURL, encoding: .utf8) else {
            throw AneError.message("\(folder.path): missing meta.yaml (not an ANEMLL model folder)")
        }
        meta = AneMeta.parse(text)
        self.units = units
        func load(_ name: String, function: String? = nil) throws -> MLModel {
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { throw AneError.message("\(url.path): missing") }
            let config = MLModelConfiguration()
            config.computeUnits = units
            if let f = function { config.functionName = f }
            do { return try MLModel(contentsOf: url, configuration: config) } catch {
                throw AneError.message("\(name): CoreML could not load it (\(error.localizedDescription)); if the compile cache is full, clear ~/Library/Caches/com.apple.e5rt* and retry")
            }
        }
        embeddings = try load(meta.embeddingsName)
        lmHead = try load(meta.lmHeadName)
        var pre: [MLModel] = []
        var inf: [MLModel] = []
        for c in 0..<meta.numChunks {
            guard let name = meta.ffnNames(chunk: c).first(where: { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }) else {
                throw AneError.message("\(folder.path): missing FFN chunk \(meta.ffnNames(chunk: c).joined(separator: " or "))")
            }
            pre.append(try load(name, function: "prefill"))
            inf.append(try load(name, function: "infer"))
        }
        prefillChunks = pre
        inferChunks = inf
        state = prefillChunks[0].makeState()
        partSizes = (1...meta.splitLMHead).compactMap { i in
            lmHead.modelDescription.outputDescriptionsByName["logits\(i)"]?.multiArrayConstraint?.shape.last?.intValue
        }
        if partSizes.isEmpty, let single = lmHead.modelDescription.outputDescriptionsByName["logits"]?.multiArrayConstraint?.shape.last?.intValue {
            partSizes = [single]
        }
        vocabSize = partSizes.reduce(0, +)
        let lut = { (b: Int?) in b.map(String.init) ?? "null" }
        let unitName = units == .cpuOnly ? "cpuOnly" : units == .all ? "all" : "cpuAndNeuralEngine"
        infoJSON = "{\"context_length\":\(meta.contextLength),\"batch_size\":\(meta.batchSize),\"vocab_size\":\(vocabSize),\"num_chunks\":\(meta.numChunks),\"lut_bits\":{\"embeddings\":\(lut(meta.lutEmbeddings)),\"ffn\":\(lut(meta.lutFFN)),\"lmhead\":\(lut(meta.lutLMHead))},\"compute_units\":\"\(unitName)\",\"abi_version\":1}"
    }

    static func array(_ shape: [Int], _ type: MLMultiArrayDataType) throws -> MLMultiArray {
        try MLMultiArray(shape: shape.map { NSNumber(value: $0) }, dataType: type)
    }

    func embed(_ ids: [Int32]) throws -> MLMultiArray {
        let input = try AneRunner.array([1, ids.count], .int32)
        for (i, v) in ids.enumerated() { input[i] = NSNumber(value: v) }
        let out = try embeddings.prediction(from: MLDictionaryFeatureProvider(dictionary: ["input_ids": MLFeatureValue(multiArray: input)]))
        guard let h = out.featureValue(for: "hidden_states")?.multiArrayValue else { throw AneError.message("embeddings: no hidden_states output") }
        return h
    }

    func mask(rows: Range<Int>) throws -> MLMultiArray {
        let ctx = meta.contextLength
        let m = try AneRunner.array([1, 1, rows.count, ctx], .float16)
        for (r, pos) in rows.enumerated() {
            for j in 0..<ctx { m[r * ctx + j] = NSNumber(value: j <= pos ? Float(0) : -Float.infinity) }
        }
        return m
    }

    func runChunks(_ chunks: [MLModel], hidden: MLMultiArray, positions: [Int], current: Int) throws -> MLMultiArray {
        var h = hidden
        let pos = try AneRunner.array([positions.count], .int32)
        for (i, p) in positions.enumerated() { pos[i] = NSNumber(value: Int32(p)) }
        let cur = try AneRunner.array([1], .int32)
        cur[0] = NSNumber(value: Int32(current))
        let m = try mask(rows: positions[0]..<(positions[0] + positions.count))
        for model in chunks {
            var inputs: [String: MLFeatureValue] = [
                "hidden_states": MLFeatureValue(multiArray: h),
                "position_ids": MLFeatureValue(multiArray: pos),
                "causal_mask": MLFeatureValue(multiArray: m),
            ]
            if model.modelDescription.inputDescriptionsByName["current_pos"] != nil { inputs["current_pos"] = MLFeatureValue(multiArray: cur) }
            let out = try model.prediction(from: MLDictionaryFeatureProvider(dictionary: inputs), using: state)
            guard let next = out.featureValue(for: "output_hidden_states")?.multiArrayValue else { throw AneError.message("FFN: no output_hidden_states") }
            h = next
        }
        return h
    }

    /// Greedy next token from a hidden state [1, 1, H]: argmax across all lm-head parts.
    func argmax(_ hidden: MLMultiArray) throws -> Int32 {
        let out = try lmHead.prediction(from: MLDictionaryFeatureProvider(dictionary: ["hidden_states": MLFeatureValue(multiArray: hidden)]))
        let offsets = lmHeadOffsets(partSizes)
        var best: Int32 = 0
        var bestValue = -Float.infinity
        let names = partSizes.count == 1 && out.featureValue(for: "logits1") == nil ? ["logits"] : (1...partSizes.count).map { "logits\($0)" }
        for (k, name) in names.enumerated() {
            guard let a = out.featureValue(for: name)?.multiArrayValue else { throw AneError.message("lm head: no \(name) output") }
            let n = partSizes[k]
            a.withUnsafeBufferPointer(ofType: Float16.self) { buf in
                for i in 0..<min(n, buf.count) where Float(buf[i]) > bestValue {
                    bestValue = Float(buf[i])
                    best = Int32(offsets[k] + i)
                }
            }
        }
        return best
    }

    public func reset() {
        state = prefillChunks[0].makeState()
        position = 0
    }

    /// Process a prompt in padded batches, then the last token once more with `infer` for its logits.
    public func prefill(_ ids: [Int32]) throws -> Int32 {
        guard !ids.isEmpty else { throw AneError.message("empty prompt") }
        guard ids.count < meta.contextLength else { throw AneError.message("prompt of \(ids.count) tokens does not fit the context of \(meta.contextLength)") }
        reset()
        let b = meta.batchSize
        var start = 0
        while start < ids.count {
            var batch = Array(ids[start..<min(start + b, ids.count)])
            batch += Array(repeating: 0, count: b - batch.count)
            let hidden = try embed(batch)
            _ = try runChunks(prefillChunks, hidden: hidden, positions: Array(start..<(start + b)).map { min($0, meta.contextLength - 1) }, current: start)
            start += b
        }
        position = ids.count - 1
        return try step(ids[ids.count - 1])
    }

    func step(_ id: Int32) throws -> Int32 {
        guard position < meta.contextLength else { throw AneError.message("position \(position) is past the context length \(meta.contextLength)") }
        let hidden = try embed([id])
        let h = try runChunks(inferChunks, hidden: hidden, positions: [position], current: position)
        position += 1
        return try argmax(h)
    }

    /// Feed the token at the next position; return the greedy next token.
    public func decode(_ id: Int32) throws -> Int32 {
        try step(id)
    }
}
