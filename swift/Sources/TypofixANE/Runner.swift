// Running an ANEMLL model: embeddings → FFN chunk(s) (prefill / infer: one multi-function file or two
// files; one shared MLState as the KV cache) → split lm head → argmax. Batched forward passes (the
// prompt, and drafted tokens to verify: typofix_ane_forward), truncation, context cap, greedy decoding.
// Everything the models must offer is checked at open from meta.yaml and the models' descriptions, so
// a bad conversion is an error at open, never a trap later. An uncompiled .mlpackage
// is compiled once with MLModel.compileModel(at:) and kept in the folder's .typofix-compiled/ (compiled
// again when the package is newer than its compiled copy).
import CoreML
import Foundation

public enum AneError: Error, CustomStringConvertible {
    case message(String)
    public var description: String { if case let .message(m) = self { return m }; return "error" }
}

/// A data type's name for messages.
func typeName(_ t: MLMultiArrayDataType) -> String {
    switch t {
    case .float16: return "float16"
    case .float32: return "float32"
    case .double: return "float64"
    case .int32: return "int32"
    default: return "type \(t.rawValue)"
    }
}

/// A .mlmodelc to load for a part: the part itself, or its compiled copy when it is a .mlpackage.
func compiledURL(_ url: URL, folder: URL) throws -> URL {
    guard url.pathExtension == "mlpackage" else { return url }
    let fm = FileManager.default
    let cacheDir = folder.appendingPathComponent(".typofix-compiled")
    let cached = cacheDir.appendingPathComponent(url.deletingPathExtension().lastPathComponent + ".mlmodelc")
    let modified = { (u: URL) -> Date in
        ((try? fm.attributesOfItem(atPath: u.path))?[.modificationDate] as? Date) ?? .distantPast
    }
    let manifest = url.appendingPathComponent("Manifest.json")
    if fm.fileExists(atPath: cached.path), modified(cached) >= max(modified(url), modified(manifest)) { return cached }
    let compiled: URL
    do { compiled = try MLModel.compileModel(at: url) } catch {
        throw AneError.message("\(url.lastPathComponent): CoreML could not compile it (\(error.localizedDescription))")
    }
    // keep the compiled model beside the package (moved into place whole); a read-only folder compiles each time
    do {
        try fm.createDirectory(at: cacheDir, withIntermediateDirectories: true)
        let tmp = cacheDir.appendingPathComponent(".tmp-\(getpid())-" + cached.lastPathComponent)
        try? fm.removeItem(at: tmp)
        try fm.moveItem(at: compiled, to: tmp)
        try? fm.removeItem(at: cached)
        try fm.moveItem(at: tmp, to: cached)
        return cached
    } catch {
        return compiled
    }
}

/// What typofix_ane_forward reads the wanted next tokens from: the prefill function's output rows
/// ("batch"), or `infer` steps ("step"; see forwardPath).
public enum ForwardPath: String {
    case batch, step
}

/// One model call of a forward pass: a block of the prefill function over tokens `ids[range]`, or one
/// `infer` step over `ids[index]`.
public enum Feed: Equatable {
    case block(Range<Int>)
    case step(Int)
}

/// The next call of a forward pass, from token `i` of `n` at sequence position `position`; the tokens
/// from `first` on want their next token. A block of the prefill function (up to `batch` tokens, padded
/// to `batch` rows) is used only when all its rows, padding included, lie inside the context: its KV
/// writes cover the whole block, and no position is clamped. On the batch path a block takes any tokens;
/// on the step path only tokens whose next token is not wanted (the wanted ones go through `infer`).
public func nextFeed(i: Int, n: Int, first: Int, position: Int, batch: Int, context: Int, path: ForwardPath) -> Feed {
    let rows = path == .batch ? n - i : first - i
    if rows > 0, position + batch <= context { return .block(i..<(i + min(batch, rows))) }
    return .step(i)
}

/// The tokens of a block (`ids[block]`) whose next token is wanted (those from `first` on); empty when
/// the block lies wholly before them.
public func wantedRows(_ block: Range<Int>, first: Int) -> Range<Int> {
    let lower = min(max(first, block.lowerBound), block.upperBound)
    return lower..<block.upperBound
}

/// A whole forward pass's calls, when the path does not change on the way (tests; forward decides call by call).
public func forwardPlan(position: Int, n: Int, keep: Int, batch: Int, context: Int, path: ForwardPath) -> [Feed] {
    var out: [Feed] = []
    var i = 0
    while i < n {
        let f = nextFeed(i: i, n: n, first: n - keep, position: position + i, batch: batch, context: context, path: path)
        out.append(f)
        switch f {
        case let .block(r): i = r.upperBound
        case .step: i += 1
        }
    }
    return out
}

/// Row `r` of a hidden-state array [1, rows, H] as its own contiguous [1, 1, H] array of the same element
/// type (the lm head's input), read through the array's strides (CoreML may pad them).
public func hiddenRow(_ h: MLMultiArray, _ r: Int) throws -> MLMultiArray {
    let shape = h.shape.map { $0.intValue }
    let strides = h.strides.map { $0.intValue }
    guard shape.count >= 2, r >= 0, r < shape[shape.count - 2] else {
        throw AneError.message("hidden states of shape \(shape) have no row \(r)")
    }
    let size: Int
    switch h.dataType {
    case .float16: size = 2
    case .float32: size = 4
    default: throw AneError.message("hidden states came back with data type \(typeName(h.dataType)); expected float16 or float32")
    }
    let width = shape[shape.count - 1]
    let rowStride = strides[shape.count - 2]
    let colStride = strides[shape.count - 1]
    let out = try AneRunner.array([1, 1, width], h.dataType)
    try h.withUnsafeBytes { (src: UnsafeRawBufferPointer) throws -> Void in
        guard width == 0 || (r * rowStride + (width - 1) * colStride + 1) * size <= src.count else {
            throw AneError.message("hidden states of shape \(shape): row \(r) lies outside their storage")
        }
        out.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer, dstStrides: [Int]) -> Void in
            let step = dstStrides[dstStrides.count - 1]
            for k in 0..<width {
                (dst.baseAddress! + k * step * size).copyMemory(from: src.baseAddress! + (r * rowStride + k * colStride) * size, byteCount: size)
            }
        }
    }
    return out
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
    /// The lm head's logits outputs, their sizes and element types (float16 or float32).
    var partNames: [String] = []
    var partSizes: [Int] = []
    var partTypes: [MLMultiArrayDataType] = []
    /// See typofix_ane_info_json: set at open from the last prefill chunk's output shape; "batch" falls
    /// to "step" for good when the rows come back fewer than the batch or disagree with `infer`.
    public private(set) var forwardPath: ForwardPath = .batch
    /// Whether the prefill function's rows were checked against `infer` (once, on the first batch forward).
    var batchChecked = false
    var infoPrefix = ""
    public var infoJSON: String { infoPrefix + ",\"forward\":\"\(forwardPath.rawValue)\"}" }

    public init(folder: URL, units: MLComputeUnits) throws {
        let metaURL = folder.appendingPathComponent("meta.yaml")
        guard let text = try? String(contentsOf: metaURL, encoding: .utf8) else {
            throw AneError.message("\(folder.path): missing meta.yaml (not an ANEMLL model folder)")
        }
        let meta = try AneMeta.parse(text)
        self.meta = meta
        self.units = units
        func need(_ what: String, _ names: [String]) throws -> String {
            guard let f = AneMeta.find(names, in: folder) else {
                throw AneError.message("\(folder.path): no \(what) model (\(names.map { AneMeta.stripExtension($0) + ".mlmodelc|.mlpackage" }.joined(separator: " or ")))")
            }
            return f
        }
        func load(_ name: String, function: String? = nil) throws -> MLModel {
            let url = try compiledURL(folder.appendingPathComponent(name), folder: folder)
            let config = MLModelConfiguration()
            config.computeUnits = units
            if let f = function { config.functionName = f }
            do { return try MLModel(contentsOf: url, configuration: config) } catch {
                throw AneError.message("\(name)\(function.map { " (function \($0))" } ?? ""): CoreML could not load it (\(error.localizedDescription)); if the compile cache is full, clear ~/Library/Caches/com.apple.e5rt* and retry")
            }
        }
        let emb = try load(try need("embeddings", meta.embeddingsNames))
        let head = try load(try need("lm_head", meta.lmHeadNames))
        var pre: [MLModel] = []
        var inf: [MLModel] = []
        for c in 0..<meta.numChunks {
            let prefillFile = try need("FFN chunk \(c + 1)", meta.prefillNames(chunk: c))
            if let inferFile = AneMeta.find(meta.inferNames(chunk: c), in: folder), inferFile != prefillFile {
                // prefill and infer in files of their own
                pre.append(try load(prefillFile))
                inf.append(try load(inferFile))
            } else {
                pre.append(try load(prefillFile, function: "prefill"))
                inf.append(try load(prefillFile, function: "infer"))
            }
        }
        // every check below works on locals: `self` is complete only once all stored properties are set
        try AneRunner.check(emb, outputs: ["hidden_states"], inputs: ["input_ids"], what: "embeddings")
        for (k, m) in (pre + inf).enumerated() {
            try AneRunner.check(m, outputs: ["output_hidden_states"], inputs: ["hidden_states", "position_ids", "causal_mask"], what: "FFN model \(k + 1)")
        }
        // the lm head's parts: logits1, logits2, … (or one `logits`), each float16 or float32
        let outs = head.modelDescription.outputDescriptionsByName
        var names: [String] = []
        var i = 1
        while outs["logits\(i)"] != nil { names.append("logits\(i)"); i += 1 }
        if names.isEmpty, outs["logits"] != nil { names = ["logits"] }
        guard !names.isEmpty else {
            throw AneError.message("lm head: no logits outputs (logits1…logits\(meta.splitLMHead) or logits; it has \(outs.keys.sorted().joined(separator: ", ")))")
        }
        if meta.splitLMHeadGiven, names != ["logits"], names.count != meta.splitLMHead {
            throw AneError.message("lm head: \(names.count) logits outputs, but meta.yaml's split_lm_head is \(meta.splitLMHead)")
        }
        var sizes: [Int] = []
        var types: [MLMultiArrayDataType] = []
        for name in names {
            guard let c = outs[name]?.multiArrayConstraint, let size = c.shape.last?.intValue, size > 0 else {
                throw AneError.message("lm head: output \(name) is not an array with a vocabulary dimension")
            }
            guard c.dataType == .float16 || c.dataType == .float32 else {
                throw AneError.message("lm head: output \(name) has data type \(typeName(c.dataType)); expected float16 or float32")
            }
            sizes.append(size)
            types.append(c.dataType)
        }
        let vocab = sizes.reduce(0, +)
        embeddings = emb
        lmHead = head
        prefillChunks = pre
        inferChunks = inf
        partNames = names
        partSizes = sizes
        partTypes = types
        vocabSize = vocab
        state = pre[0].makeState()
        // the last chunk's prefill output: [1, batch, H] gives every row's hidden state; ANEMLL's
        // converters return only the first row ([1, 1, H], and before the final norm): step with infer
        if let shape = pre[pre.count - 1].modelDescription.outputDescriptionsByName["output_hidden_states"]?.multiArrayConstraint?.shape,
           shape.count >= 2, shape[shape.count - 2].intValue < meta.batchSize {
            forwardPath = .step
        }
        let lut = { (b: Int?) in b.map(String.init) ?? "null" }
        let unitName = units == .cpuOnly ? "cpuOnly" : units == .all ? "all" : "cpuAndNeuralEngine"
        infoPrefix = "{\"context_length\":\(meta.contextLength),\"batch_size\":\(meta.batchSize),\"vocab_size\":\(vocab),\"num_chunks\":\(meta.numChunks),\"lut_bits\":{\"embeddings\":\(lut(meta.lutEmbeddings)),\"ffn\":\(lut(meta.lutFFN)),\"lmhead\":\(lut(meta.lutLMHead))},\"compute_units\":\"\(unitName)\",\"abi_version\":\(abiVersion)"
    }

    /// A model must have these outputs and inputs, else an error naming what is missing.
    static func check(_ m: MLModel, outputs: [String], inputs: [String], what: String) throws {
        let d = m.modelDescription
        for o in outputs where d.outputDescriptionsByName[o] == nil { throw AneError.message("\(what): no \(o) output") }
        for n in inputs where d.inputDescriptionsByName[n] == nil { throw AneError.message("\(what): no \(n) input") }
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

    /// Greedy next token from a hidden state [1, 1, H]: argmax across all lm-head parts, each read in
    /// the element type its description declares.
    func argmax(_ hidden: MLMultiArray) throws -> Int32 {
        let out = try lmHead.prediction(from: MLDictionaryFeatureProvider(dictionary: ["hidden_states": MLFeatureValue(multiArray: hidden)]))
        let offsets = lmHeadOffsets(partSizes)
        var best: Int32 = 0
        var bestValue = -Float.infinity
        for (k, name) in partNames.enumerated() {
            guard let a = out.featureValue(for: name)?.multiArrayValue else { throw AneError.message("lm head: no \(name) output") }
            let n = partSizes[k]
            func scan(_ value: (Int) -> Float, count: Int) {
                for i in 0..<min(n, count) {
                    let v = value(i)
                    if v > bestValue {
                        bestValue = v
                        best = Int32(offsets[k] + i)
                    }
                }
            }
            switch a.dataType {
            case .float16: a.withUnsafeBufferPointer(ofType: Float16.self) { buf in scan({ Float(buf[$0]) }, count: buf.count) }
            case .float32: a.withUnsafeBufferPointer(ofType: Float.self) { buf in scan({ buf[$0] }, count: buf.count) }
            default: throw AneError.message("lm head: output \(name) came back with data type \(typeName(a.dataType)); expected float16 or float32")
            }
        }
        return best
    }

    public func reset() {
        state = prefillChunks[0].makeState()
        position = 0
    }

    /// Reset, then feed the prompt as forward does with keep 1.
    public func prefill(_ ids: [Int32]) throws -> Int32 {
        guard !ids.isEmpty else { throw AneError.message("empty prompt") }
        guard ids.count < meta.contextLength else { throw AneError.message("prompt of \(ids.count) tokens does not fit the context of \(meta.contextLength)") }
        reset()
        return try forward(ids, keep: 1)[0]
    }

    /// One `infer` step at the next position; the last chunk's hidden state [1, 1, H].
    func stepHidden(_ id: Int32) throws -> MLMultiArray {
        guard position < meta.contextLength else { throw AneError.message("position \(position) is past the context length \(meta.contextLength)") }
        let hidden = try embed([id])
        let h = try runChunks(inferChunks, hidden: hidden, positions: [position], current: position)
        position += 1
        return h
    }

    /// Feed the token at the next position; return the greedy next token.
    public func decode(_ id: Int32) throws -> Int32 {
        try argmax(try stepHidden(id))
    }

    /// One block of the prefill function at the next position: `ids` (1…batch tokens) padded to the
    /// batch with token 0 at the positions after them (inside the context: nextFeed checks it); the
    /// last chunk's output.
    func block(_ ids: ArraySlice<Int32>) throws -> MLMultiArray {
        let b = meta.batchSize
        let start = position
        let hidden = try embed(Array(ids) + Array(repeating: 0, count: b - ids.count))
        let h = try runChunks(prefillChunks, hidden: hidden, positions: Array(start..<(start + b)), current: start)
        position = start + ids.count
        return h
    }

    /// Greedy next tokens after `ids[wanted]`, the last tokens of a block that began at `ids[from]` and
    /// ended at `wanted.upperBound` (so `position` is just after them): read from the block's rows, or, on
    /// the step path, when the rows are fewer than the batch, or on the check, by stepping those tokens
    /// again with `infer` (their KV entries are written again, with the same inputs).
    func blockTokens(_ h: MLMultiArray, ids: [Int32], from: Int, wanted: Range<Int>) throws -> [Int32] {
        let shape = h.shape.map { $0.intValue }
        if forwardPath == .batch, shape.count < 2 || shape[shape.count - 2] < meta.batchSize { forwardPath = .step }
        var fromRows: [Int32]? = nil
        if forwardPath == .batch {
            do {
                fromRows = try wanted.map { try argmax(try hiddenRow(h, $0 - from)) }
            } catch {
                // rows that cannot be read as the lm head's input: step (a failing lm head fails there too)
                forwardPath = .step
            }
            if batchChecked, let rows = fromRows { return rows }
        }
        position -= wanted.count
        let stepped = try wanted.map { try argmax(try stepHidden(ids[$0])) }
        if let rows = fromRows {
            // the first rows read from the prefill function are checked once against infer: a conversion
            // whose prefill output is not the final hidden state (no final norm, say) fails it
            if rows == stepped { batchChecked = true } else { forwardPath = .step }
        }
        return stepped
    }

    /// Feed `ids` at the next positions; the greedy next token after each of the last `keep` of them.
    /// On an error the sequence is left as it was (later KV entries are masked).
    public func forward(_ ids: [Int32], keep: Int) throws -> [Int32] {
        let n = ids.count
        guard n >= 1 else { throw AneError.message("empty input") }
        guard keep >= 1, keep <= n else { throw AneError.message("keep \(keep) is not in 1…\(n)") }
        let ctx = meta.contextLength
        guard position + n <= ctx else { throw AneError.message("position \(position + n - 1) is past the context length \(ctx)") }
        let start = position
        let first = n - keep
        var out: [Int32] = []
        out.reserveCapacity(keep)
        do {
            var i = 0
            while i < n {
                switch nextFeed(i: i, n: n, first: first, position: position, batch: meta.batchSize, context: ctx, path: forwardPath) {
                case let .block(r):
                    let h = try block(ids[r])
                    let wanted = wantedRows(r, first: first)
                    if !wanted.isEmpty { out += try blockTokens(h, ids: ids, from: r.lowerBound, wanted: wanted) }
                    i = r.upperBound
                case let .step(k):
                    let h = try stepHidden(ids[k])
                    if k >= first { out.append(try argmax(h)) }
                    i = k + 1
                }
            }
        } catch {
            position = start
            throw error
        }
        return out
    }

    /// Keep the first `length` tokens; the KV entries after them are masked until overwritten.
    public func truncate(_ length: Int) throws {
        guard length >= 0, length <= position else { throw AneError.message("cannot truncate to \(length) tokens: the sequence has \(position)") }
        position = length
    }
}
