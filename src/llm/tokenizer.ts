/**
 * The model folder's tokenizer (tokenizer.json + tokenizer_config.json, Hugging Face layout), with the
 * chat template rendered by @huggingface/jinja: tokenizer_config.json's `chat_template` (a string, or the
 * older list of named templates, "default" first), else the separate `chat_template.jinja` that newer
 * Hub repositories ship. Checked against the model's vocabulary size.
 *
 * The user's text is always text: a control token written in it (`<|im_start|>`, `<|im_end|>`,
 * `<think>`, any added token) is encoded as the plain characters it is made of, never as the special
 * token id — otherwise text could open a fake system or assistant turn in the prompt. Only the prompt
 * template's own control tokens are special. (Text without any added token's string is encoded exactly
 * as before; text with one goes through a second tokenizer without the added tokens, built on first use.)
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { Template } from "@huggingface/jinja";
import { fill, type PromptFormat } from "./prompts.ts";

/** The chat template's source: tokenizer_config.json's, else chat_template.jinja's, else none. */
export function chatTemplate(dir: string, fromConfig: unknown): string | undefined {
  if (typeof fromConfig === "string" && fromConfig) return fromConfig;
  if (Array.isArray(fromConfig)) {
    const named = fromConfig as Array<{ name?: string; template?: string }>;
    const t = (named.find((x) => x?.name === "default") ?? named[0])?.template;
    if (typeof t === "string" && t) return t;
  }
  const file = join(dir, "chat_template.jinja");
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

export class ModelTokenizer {
  private tok: Tokenizer;
  /** The same vocabulary without the added tokens: user text through it never yields a control token. */
  private plainTok?: Tokenizer;
  private json: Record<string, unknown>;
  private config: Record<string, unknown>;
  /** The strings of the added tokens (special or not), which the full tokenizer matches anywhere. */
  private readonly addedStrings: string[];
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
    this.json = json;
    this.config = config;
    this.tok = new Tokenizer(json, config);
    const template = chatTemplate(dir, config.chat_template);
    if (template) this.template = new Template(template);
    const vocab = (json.model as { vocab?: Record<string, number> })?.vocab ?? {};
    const added = (json.added_tokens as Array<{ id: number; content?: string }>) ?? [];
    this.addedStrings = added.map((t) => t.content).filter((c): c is string => typeof c === "string" && c.length > 0);
    this.vocabSize = Math.max(Object.keys(vocab).length, ...added.map((t) => t.id + 1));
    this.stopIds = ["<|im_end|>", "<|endoftext|>"].map((t) => this.id(t)).filter((x): x is number => x !== undefined);
  }

  id(token: string): number | undefined {
    const ids = this.tok.encode(token, { add_special_tokens: false }).ids;
    return ids.length === 1 ? ids[0] : undefined;
  }

  /** Whether a text holds the string of an added (control) token. */
  private hasControl(text: string): boolean {
    return this.addedStrings.some((c) => text.includes(c));
  }

  /** Token ids of a piece of user text: plain text, whatever it contains. */
  encode(text: string): number[] {
    if (!this.hasControl(text)) return this.tok.encode(text, { add_special_tokens: false }).ids;
    this.plainTok ??= new Tokenizer({ ...this.json, added_tokens: [] }, this.config);
    return this.plainTok.encode(text, { add_special_tokens: false }).ids;
  }

  /** Token ids of prompt text written by typofix (the template): its control tokens are special. */
  private encodeControl(text: string): number[] {
    return this.tok.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    if (!ids.length) return ""; // the library throws on an empty list: an empty answer is ""
    return this.tok.decode([...ids], { skip_special_tokens: true });
  }

  /** The prompt for one piece of text, as token ids (the text's own control-token strings stay text). */
  prompt(format: PromptFormat, text: string): number[] {
    if (format.kind === "chat" && !this.template) throw new Error("the model has no chat template; use the completion prompt format");
    const render = (t: string) =>
      format.kind === "completion"
        ? fill(format.prompt!, t)
        : this.template!.render({ messages: [{ role: "user", content: fill(format.user!, t) }], add_generation_prompt: true, enable_thinking: false });
    if (!this.hasControl(text)) return this.encodeControl(render(text));
    // the template around a placeholder is encoded with its control tokens, the text as plain text
    const mark = "\uE000typofix-text\uE001";
    const rendered = render(mark);
    const at = rendered.indexOf(mark);
    if (at < 0 || rendered.indexOf(mark, at + 1) >= 0) throw new Error(`prompt format ${format.name} does not hold the text exactly once`);
    let before = rendered.slice(0, at);
    const after = rendered.slice(at + mark.length);
    // a space before the text belongs to its first word, as in an encoding of the whole prompt
    let lead = "";
    if (before.endsWith(" ")) {
      before = before.slice(0, -1);
      lead = " ";
    }
    return [...this.encodeControl(before), ...this.encode(lead + text), ...this.encodeControl(after)];
  }
}
