/**
 * Prompt formats are data (models/prompts/*.yaml): a chat form rendered with the model's chat template
 * (enable_thinking: false), or a plain completion form. The registry names the format per model.
 */
import { parse } from "yaml";
// @ts-ignore: Bun text imports (embedded in the compiled binary)
import chatYaml from "../../models/prompts/chat.yaml" with { type: "text" };
// @ts-ignore
import completionYaml from "../../models/prompts/completion.yaml" with { type: "text" };

export interface PromptFormat {
  name: string;
  kind: "chat" | "completion";
  /** For chat: the user message, with {text}. */
  user?: string;
  /** For completion: the prompt, with {text}. */
  prompt?: string;
}

const BUILTIN: Record<string, string> = { chat: chatYaml as unknown as string, completion: completionYaml as unknown as string };

export function promptFormat(name: string): PromptFormat {
  const src = BUILTIN[name];
  if (!src) throw new Error(`unknown prompt format "${name}" (known: ${Object.keys(BUILTIN).join(", ")})`);
  const f = parse(src) as PromptFormat;
  if ((f.kind === "chat" && !f.user) || (f.kind === "completion" && !f.prompt)) throw new Error(`prompt format "${name}" is incomplete`);
  return f;
}

/** The template with the text in place of {text}, literally (a "$&" or "$$" in the text is not a replacement pattern). */
export const fill = (template: string, text: string) => template.replaceAll("{text}", () => text);
