import XCTest
@testable import TypofixANE

final class TypofixANETests: XCTestCase {
    func testMetaParsingAndFileNames() {
        let meta = AneMeta.parse("""
        model_info:
          parameters:
            context_length: 256
            batch_size: 64
            lut_embeddings: none
            lut_ffn: 4
            lut_lmhead: 6
            num_chunks: 1
            model_prefix: qwen
            split_lm_head: 16
        """)
        XCTAssertEqual(meta.contextLength, 256)
        XCTAssertEqual(meta.embeddingsName, "qwen_embeddings.mlmodelc")
        XCTAssertEqual(meta.lmHeadName, "qwen_lm_head_lut6.mlmodelc")
        XCTAssertEqual(meta.ffnNames(chunk: 0), ["qwen_FFN_PF_lut4_chunk_01of01.mlmodelc", "qwen_FFN_PF_lut4.mlmodelc"])
    }

    func testLMHeadOffsetsWithUnequalParts() {
        // 151936 = 16 × 9496: equal; 151937 would make the first part one longer
        XCTAssertEqual(lmHeadOffsets([9497, 9496, 9496]), [0, 9497, 18993])
    }

    func testCausalRow() {
        XCTAssertEqual(causalRow(position: 1, context: 4), [0, 0, -Float.infinity, -Float.infinity])
    }

    func testErrorsComeBackAsStrings() {
        XCTAssertEqual(typofix_ane_abi_version(), 1)
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
