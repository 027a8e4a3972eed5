import CoreML
import XCTest
@testable import TypofixANE

final class TypofixANETests: XCTestCase {
    func testMetaParsingAndFileNames() throws {
        let meta = try AneMeta.parse("""
        model_info:
          parameters:
            context_length: 256
            batch_size: 64
            lut_embeddings: none
            lut_ffn: 4
            lut_lmhead: "6,4"
            num_chunks: 1
            model_prefix: qwen
            split_lm_head: 16
        """)
        XCTAssertEqual(meta.contextLength, 256)
        XCTAssertEqual(meta.lutLMHead, 6)
        XCTAssertEqual(meta.embeddingsNames, ["qwen_embeddings", "qwen_embeddings"])
        XCTAssertEqual(meta.lmHeadNames.first, "qwen_lm_head_lut6")
        XCTAssertEqual(meta.prefillNames(chunk: 0), ["qwen_FFN_PF_lut4_chunk_01of01", "qwen_FFN_PF_lut4", "qwen_prefill_lut4_chunk_01of01", "qwen_prefill_chunk_01of01"])
        XCTAssertEqual(meta.inferNames(chunk: 0).first, "qwen_FFN_lut4_chunk_01of01")
    }

    func testExplicitPathsWin() throws {
        let meta = try AneMeta.parse("parameters:\n  num_chunks: 2\n  ffn: q_FFN_PF_lut6_chunk_01of02.mlmodelc\n  embeddings: q_embeddings.mlmodelc\n")
        XCTAssertEqual(meta.embeddingsNames.first, "q_embeddings.mlmodelc")
        XCTAssertEqual(meta.prefillNames(chunk: 1).first, "q_FFN_PF_lut6_chunk_02of02.mlmodelc")
    }

    func testBadMetaIsAnErrorNotATrap() {
        for bad in ["num_chunks: 0", "split_lm_head: 0", "batch_size: 0", "context_length: -1", "batch_size: x"] {
            XCTAssertThrowsError(try AneMeta.parse("parameters:\n  \(bad)\n"), bad)
        }
        XCTAssertThrowsError(try AneMeta.parse("parameters:\n  ffn: ../elsewhere.mlmodelc\n"))
    }

    func testLMHeadOffsetsWithUnequalParts() {
        // 151936 = 16 × 9496: equal; 151937 would make the first part one longer
        XCTAssertEqual(lmHeadOffsets([9497, 9496, 9496]), [0, 9497, 18993])
    }

    func testCausalRow() {
        XCTAssertEqual(causalRow(position: 1, context: 4), [0, 0, -Float.infinity, -Float.infinity])
    }

    /// Which calls a forward pass makes (no model needed): prefill blocks only where they fit the
    /// context whole, `infer` for the rest; on the step path, blocks only for tokens whose next token is
    /// not wanted.
    func testForwardPlan() {
        // the prompt and 8 drafts from position 0 (batch 64, context 512): two blocks
        XCTAssertEqual(forwardPlan(position: 0, n: 70, keep: 9, batch: 64, context: 512, path: .batch), [.block(0..<64), .block(64..<70)])
        XCTAssertEqual(forwardPlan(position: 0, n: 70, keep: 9, batch: 64, context: 512, path: .step), [Feed.block(0..<61)] + (61..<70).map { Feed.step($0) })
        // a prompt as prefill feeds it on the step path (keep 1)
        XCTAssertEqual(forwardPlan(position: 0, n: 130, keep: 1, batch: 64, context: 512, path: .step), [.block(0..<64), .block(64..<128), .block(128..<129), .step(129)])
        // drafts verified at position 440 (the block 440..<504 fits) and at 460 (460 + 64 > 512: infer steps)
        XCTAssertEqual(forwardPlan(position: 440, n: 9, keep: 9, batch: 64, context: 512, path: .batch), [.block(0..<9)])
        XCTAssertEqual(forwardPlan(position: 460, n: 3, keep: 3, batch: 64, context: 512, path: .batch), [.step(0), .step(1), .step(2)])
        // a context smaller than the batch: never a block
        XCTAssertEqual(forwardPlan(position: 0, n: 5, keep: 1, batch: 64, context: 32, path: .batch), (0..<5).map { Feed.step($0) })
        // the rows of a block whose next token is wanted: none for a block before them (a long prompt's first block)
        XCTAssertEqual(wantedRows(0..<64, first: 129), 64..<64)
        XCTAssertEqual(wantedRows(64..<70, first: 61), 64..<70)
        XCTAssertEqual(wantedRows(0..<70, first: 61), 61..<70)
        XCTAssertEqual(wantedRows(0..<61, first: 61), 61..<61)
    }

    /// A row of the prefill function's output as the lm head's [1, 1, H] input, read through padded strides.
    func testHiddenRowReadsThroughStrides() throws {
        let storage = UnsafeMutablePointer<Float>.allocate(capacity: 24)
        for i in 0..<24 { storage[i] = Float(i) }
        // [1, 3, 4] float32, each row padded to 8 elements
        let n = { (xs: [Int]) in xs.map { NSNumber(value: $0) } }
        let h = try MLMultiArray(dataPointer: UnsafeMutableRawPointer(storage), shape: n([1, 3, 4]), dataType: .float32, strides: n([24, 8, 1]), deallocator: { $0.deallocate() })
        let r = try hiddenRow(h, 2)
        XCTAssertEqual(r.shape.map { $0.intValue }, [1, 1, 4])
        XCTAssertEqual(r.dataType, .float32)
        XCTAssertEqual((0..<4).map { r[$0].floatValue }, [16, 17, 18, 19])
        XCTAssertThrowsError(try hiddenRow(h, 3))
    }

    func testMetaErrorsComeBackFromOpen() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("typofix-meta-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (bad, key) in [("num_chunks: 0", "num_chunks"), ("split_lm_head: 0", "split_lm_head"), ("batch_size: 0", "batch_size")] {
            try "model_info:\n  parameters:\n    \(bad)\n".write(to: dir.appendingPathComponent("meta.yaml"), atomically: true, encoding: .utf8)
            let h = dir.path.withCString { typofix_ane_open($0, 1) }
            XCTAssertNil(h)
            XCTAssertTrue(String(cString: typofix_ane_last_error()!).contains("\(key) must be a whole number of at least 1"))
        }
    }

    func testErrorsComeBackAsStrings() {
        XCTAssertEqual(typofix_ane_abi_version(), abiVersion)
        let h = "/nonexistent/model".withCString { typofix_ane_open($0, 0) }
        XCTAssertNil(h)
        let msg = String(cString: typofix_ane_last_error()!)
        XCTAssertTrue(msg.contains("meta.yaml"), msg)
        XCTAssertEqual(typofix_ane_prefill(nil, nil, 0), -1)
        XCTAssertEqual(typofix_ane_decode(nil, 1), -1)
        XCTAssertEqual(typofix_ane_forward(nil, nil, 0, 0, nil), -1)
        XCTAssertEqual(typofix_ane_truncate(nil, 0), -1)
        typofix_ane_close(nil)
    }

    /// With TYPOFIX_ANE_MODEL pointing at a real ANEMLL folder (the macOS workflow pulls one): greedy
    /// decoding runs, stays in the vocabulary and respects the context.
    func testRealModelIfPresent() throws {
        guard let dir = ProcessInfo.processInfo.environment["TYPOFIX_ANE_MODEL"] else { throw XCTSkip("TYPOFIX_ANE_MODEL not set") }
        let h = dir.withCString { typofix_ane_open($0, 0) }
        XCTAssertNotNil(h, String(cString: typofix_ane_last_error()!))
        let ids: [Int32] = [151644, 872, 198, 9707]
        let next = ids.withUnsafeBufferPointer { typofix_ane_prefill(h, $0.baseAddress, Int32(ids.count)) }
        XCTAssertGreaterThanOrEqual(next, 0, String(cString: typofix_ane_last_error()!))
        let after = typofix_ane_decode(h, next)
        XCTAssertGreaterThanOrEqual(after, 0)
        print("typofix_ane_info_json: " + String(cString: typofix_ane_info_json(h)!))
        // forward from an empty sequence gives prefill's and decode's tokens; truncate rewinds
        XCTAssertEqual(typofix_ane_reset(h), 0)
        let fed = ids + [next]
        var out: [Int32] = [-1, -1]
        let r = fed.withUnsafeBufferPointer { f in out.withUnsafeMutableBufferPointer { typofix_ane_forward(h, f.baseAddress, Int32(fed.count), 2, $0.baseAddress) } }
        XCTAssertEqual(r, 2, String(cString: typofix_ane_last_error()!))
        XCTAssertEqual(out, [next, after])
        XCTAssertEqual(typofix_ane_truncate(h, Int32(ids.count)), 0)
        XCTAssertEqual(typofix_ane_decode(h, next), after)
        XCTAssertEqual(typofix_ane_truncate(h, Int32(fed.count + 1)), -1)
        typofix_ane_close(h)
    }
}
