/**
 * The shapes `typofix serve` accepts, checked field by field: a /v1/fix request (one text or many, the
 * client's user words, which texts continue a sentence, and the client's engine spec) and a /v1/feedback
 * request (accept or reject a word or an edit). Anything else is a 400 saying what is wrong. Cost: one
 * pass over the parsed body.
 */
import { HttpError } from "./http.ts";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const typeName = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`);

function expectKeys(body: Record<string, unknown>, allowed: string[], what: string): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new HttpError(400, `${what}: unknown field${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} (allowed: ${allowed.join(", ")})`);
}

export interface FixRequest {
  texts: string[];
  single: boolean;
  userWords?: string[];
  /** Per text: it continues the sentence of the text before it (a wrapped line). */
  continues: boolean[];
  /** Least confidence of an edit (0..1); absent: the engine's default. */
  minConfidence?: number;
  /** The texts are lines of technical writing, and these of their lower-case words recur in the document (FixOptions). */
  technical?: boolean;
  recurring?: string[];
  spec?: { engine?: string; model?: string; noGuard?: boolean; home?: string };
}

export function parseFixRequest(body: unknown): FixRequest {
  if (!isObject(body)) throw new HttpError(400, `expected a JSON object like {"text": "..."}, got ${typeName(body)}`);
  expectKeys(body, ["text", "texts", "userWords", "continues", "minConfidence", "technical", "recurring", "engine", "model", "noGuard", "home"], "/v1/fix");
  const has = (k: string) => body[k] !== undefined;
  if (has("text") === has("texts")) throw new HttpError(400, `expected exactly one of "text" (a string) or "texts" (an array of strings)`);
  let texts: string[];
  if (has("text")) {
    if (typeof body.text !== "string") throw new HttpError(400, `"text" must be a string, got ${typeName(body.text)}`);
    texts = [body.text];
  } else {
    if (!Array.isArray(body.texts)) throw new HttpError(400, `"texts" must be an array of strings, got ${typeName(body.texts)}`);
    const bad = body.texts.findIndex((t) => typeof t !== "string");
    if (bad >= 0) throw new HttpError(400, `"texts"[${bad}] must be a string, got ${typeName(body.texts[bad])}`);
    texts = body.texts as string[];
  }
  let userWords: string[] | undefined;
  if (has("userWords")) {
    if (!Array.isArray(body.userWords) || body.userWords.some((w) => typeof w !== "string")) throw new HttpError(400, `"userWords" must be an array of strings`);
    userWords = body.userWords as string[];
  }
  let continues = texts.map(() => false);
  if (has("continues")) {
    const c = body.continues;
    if (typeof c === "boolean") continues = texts.map(() => c);
    else if (Array.isArray(c) && c.length === texts.length && c.every((x) => typeof x === "boolean")) continues = c as boolean[];
    else throw new HttpError(400, `"continues" must be true or false, or an array of them as long as "texts"`);
  }
  let minConfidence: number | undefined;
  if (has("minConfidence")) {
    const c = body.minConfidence;
    if (typeof c !== "number" || !(c >= 0 && c <= 1)) throw new HttpError(400, `"minConfidence" must be a number from 0 to 1, got ${JSON.stringify(c)}`);
    minConfidence = c;
  }
  if (has("technical") && typeof body.technical !== "boolean") throw new HttpError(400, `"technical" must be true or false, got ${typeName(body.technical)}`);
  if (has("recurring") && (!Array.isArray(body.recurring) || body.recurring.some((w) => typeof w !== "string"))) throw new HttpError(400, `"recurring" must be an array of strings`);
  for (const k of ["engine", "model", "home"] as const) if (has(k) && typeof body[k] !== "string") throw new HttpError(400, `"${k}" must be a string, got ${typeName(body[k])}`);
  if (has("noGuard") && typeof body.noGuard !== "boolean") throw new HttpError(400, `"noGuard" must be true or false, got ${typeName(body.noGuard)}`);
  const spec = ["engine", "model", "noGuard", "home"].some(has)
    ? { engine: body.engine as string | undefined, model: body.model as string | undefined, noGuard: body.noGuard as boolean | undefined, home: body.home as string | undefined }
    : undefined;
  return { texts, single: has("text"), userWords, continues, minConfidence, technical: body.technical as boolean | undefined, recurring: body.recurring as string[] | undefined, spec };
}

export interface FeedbackRequest {
  action: "accept" | "reject";
  words: string[];
}

export function parseFeedback(body: unknown): FeedbackRequest {
  if (!isObject(body)) throw new HttpError(400, `expected a JSON object like {"action": "reject", "word": "kubectl"}, got ${typeName(body)}`);
  const action = body.action;
  if (action !== "accept" && action !== "reject") throw new HttpError(400, `"action" must be "accept" or "reject"${action === undefined ? "" : `, got ${JSON.stringify(action)}`}`);
  // an edit object as /v1/fix returned it, posted as is or under "edit"
  const edit = isObject(body.edit) ? body.edit : body;
  if (body.edit !== undefined && !isObject(body.edit)) throw new HttpError(400, `"edit" must be an edit object ({"from", "to", …}), got ${typeName(body.edit)}`);
  const word = body.word ?? edit.from;
  if (typeof word !== "string") throw new HttpError(400, `expected "word" (a string) or an edit with "from" (the text the fix replaced)`);
  const words = word.split(/\s+/).filter(Boolean);
  if (!words.length) throw new HttpError(400, `the word is empty`);
  for (const w of words) {
    if (w.length > 100) throw new HttpError(400, `"${w.slice(0, 20)}…" is too long for a dictionary word (100 characters at most)`);
    if (/[\u0000-\u001f\u007f#]/.test(w)) throw new HttpError(400, `"${w}" cannot go in the dictionary (control characters and # are not allowed)`);
  }
  return { action, words };
}

