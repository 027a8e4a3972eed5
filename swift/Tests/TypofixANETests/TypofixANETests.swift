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
        XCTAssertGreaterThanOrEqual(typofix_ane_decode(h, next), 0)
        typofix_ane_close(h)
    }
}
