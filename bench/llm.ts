/**
 * LLM engine speed on one model folder, in its own process (so peak RSS is this model's):
 * load time, prefill tokens/s for a ~128-token prompt, time to first token, decode tokens/s over
 * 32 greedy steps (stop tokens ignored, so every step is measured).
 *   bun bench/llm.ts MODEL_DIR   → JSON on stdout
 */
import { createOnnxEngine, readModelConfig } from "../src/engines/onnx/index.ts";
import { generate } from "../src/llm/generate.ts";
import { ModelTokenizer } from "../src/llm/tokenizer.ts";
import { promptFormat } from "../src/llm/prompts.ts";

const dir = process.argv[2]!;
const t0 = performance.now();
const engine = await createOnnxEngine({ dir });
const loadMs = performance.now() - t0;
const model = (engine as unknown as { o: { model: Parameters<typeof generate>[0] } }).o.model;
const tok = new ModelTokenizer(dir);
const text = "The quikc brown fox jumps over teh lazy dog while I went too the stor to buy som milk. ".repeat(4);
const prompt = tok.prompt(promptFormat("chat"), text);
const runs: Array<Record<"prefill_tokens" | "ttft_ms" | "prefill_tokens_per_s" | "decode_tokens" | "decode_tokens_per_s", number>> = [];
for (let i = 0; i < 3; i++) {
  const g = await generate(model, prompt, { maxNewTokens: 32, stopIds: [] });
  runs.push({ prefill_tokens: prompt.length, ttft_ms: g.prefillMs, prefill_tokens_per_s: prompt.length / (g.prefillMs / 1000), decode_tokens: g.tokens.length - 1, decode_tokens_per_s: (g.tokens.length - 1) / (g.decodeMs / 1000) });
}
const med = (k: keyof (typeof runs)[0]) => runs.map((r) => r[k]).sort((a, b) => a - b)[1]!;
const c = readModelConfig(dir);
process.stdout.write(
  JSON.stringify({
    model: dir,
    layers: c.num_hidden_layers,
    hidden: c.hidden_size,
    load_ms: Math.round(loadMs),
    prefill_tokens: prompt.length,
    ttft_ms: Math.round(med("ttft_ms")),
    prefill_tokens_per_s: Math.round(med("prefill_tokens_per_s")),
    decode_tokens_per_s: +med("decode_tokens_per_s").toFixed(1),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    runs,
  }),
);
await engine.dispose();
