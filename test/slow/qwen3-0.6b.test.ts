/**
 * The Qwen3-0.6B-shaped random ONNX model (1.2 GB of weights, made by `bun run fixtures --preset
 * qwen3-0.6b`) loads and decodes: the real model's shapes through the onnx engine's step model. Slow (a
 * load of tens of seconds on 2 cores), so it runs in `npm run test:slow`, and only where the fixture exists.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { ensureModel } from "../../scripts/fixtures.ts";
import { OnnxStepModel, readModelConfig, modelFile } from "../../src/engines/onnx/index.ts";
import { generate } from "../../src/llm/generate.ts";
import { ModelTokenizer } from "../../src/llm/tokenizer.ts";
import { named } from "../support/skip.ts";

const big = join(import.meta.dir, "../../.cache/models/qwen3-0.6b-random");
const noBig = existsSync(join(big, ".stamp")) ? null : "the fixture is not generated (bun run fixtures --preset qwen3-0.6b)";

describe("the Qwen3-0.6B-shaped random model [slow]", () => {
  test.skipIf(Boolean(noBig))(named("loads and decodes", noBig), async () => {
    const tok = new ModelTokenizer(ensureModel("tiny"));
    const m = await OnnxStepModel.load(ort, modelFile(big), readModelConfig(big));
    const g = await generate(m, tok.encode("Fix: teh cat\n"), { maxNewTokens: 3, stopIds: [] });
    expect(g.tokens).toHaveLength(3);
    for (const t of g.tokens) expect(t).toBeLessThan(151936);
    await m.dispose();
  }, 120_000);
});
