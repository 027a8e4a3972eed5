/**
 * The model folder's tokenizer (tokenizer.json + tokenizer_config.json, Hugging Face layout), with the
 * chat template rendered by @huggingface/jinja. Checked against the model's vocabulary size.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { Template } from "@huggingface/jinja";
import { fill, type PromptFormat } from "./prompts.ts";

export class ModelTokenizer {
  private tok: Tokenizer;
  private template?: Template;
  readonly stopIds: number[];
  readonly vocabSize: number;

  constructor(dir: string) {
    const tj = join(dir, "tokenizer.json");
    const tc = join(dir, "tokenizer_config.json");
    if (!existsSync(tj) || !existsSync(tc)) throw new Error(`${dir}: missing tokenizer.json or tokenizer_config.json`);
    let json: Record<string, unknown>;
    let config: Record<string, unknown>;
    try {
      json = JSON.parse(readFileSync(tj, "utf8"));
      config = JSON.parse(readFileSync(tc, "utf8"));
    } catch (err) {
      throw new Error(`${dir}: tokenizer files are not valid JSON (${(err as Error).message})`);
    }
    this.tok = new Tokenizer(json, config);
    if (typeof config.chat_template === "string") this.template = new Template(config.chat_template);
    const vocab = (json.model as { vocab?: Record<string, number> })?.vocab ?? {};
    const added = (json.added_tokens as Array<{ id: number }>) ?? [];
    this.vocabSize = Math.max(Object.keys(vocab).length, ...added.map((t) => t.id + 1));
    this.stopIds = ["<|im_end|>", "<|endoftext|>"].map((t) => this.id(t)).filter((x): x is number => x !== undefined);
  }

  id(token: string): number | undefined {
    const ids = this.tok.encode(token, { add_special_tokens: false }).ids;
    return ids.length === 1 ? ids[0] : undefined;
  }

  encode(text: string): number[] {
    return this.tok.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    return this.tok.decode([...ids], { skip_special_tokens: true });
  }

  /** The prompt for one piece of text, as token ids. */
  prompt(format: PromptFormat, text: string): number[] {
    if (format.kind === "completion") return this.encode(fill(format.prompt!, text));
    if (!this.template) throw new Error("the model has no chat template; use the completion prompt format");
    const rendered = this.template.render({
      messages: [{ role: "user", content: fill(format.user!, text) }],
      add_generation_prompt: true,
      enable_thinking: false,
    });
    return this.encode(rendered);
  }
}
