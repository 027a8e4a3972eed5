/**
 * The model registry (models/registry.yaml, embedded; TYPOFIX_REGISTRY replaces it): what each model is,
 * where it lives on the Hugging Face hub and which of its files to fetch. Parsing checks every name and
 * file path so that nothing outside the model folder can be named. Cost: one YAML parse per call.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
// @ts-ignore: Bun text import (embedded in the compiled binary)
import registryText from "../../models/registry.yaml" with { type: "text" };

export interface RegistryFile {
  path: string;
  size?: number | null;
  sha256?: string | null;
  optional?: boolean;
}

export interface RegistryEntry {
  name: string;
  engine: "onnx" | "ane";
  description?: string;
  repo: string;
  revision: string;
  dtype?: string;
  prompt?: string;
  license?: string;
  importOnly?: boolean;
  notes?: string;
  files: RegistryFile[];
  folders?: string[];
  /**
   * Glob patterns (`*` within a path part, `**` across parts) of the repository's files to fetch, listed
   * at pull time by the Hub API with their sizes and LFS sha256. For repositories whose file list could
   * not be written down (compiled CoreML folders): what exists is what the Hub says exists.
   */
  include?: string[];
  /**
   * Glob patterns of files fetched when the repository has them (external ONNX data `model*.onnx_data*`, a
   * separate `chat_template.jinja`): matched against the Hub's listing; where no listing can be had, each
   * pattern's literal part (up to its first `*`) is tried and a 404 skipped.
   */
  ifPresent?: string[];
}

/** A revision that is a full commit id: what the Hub serves for it cannot change. */
export const isCommit = (revision: string) => /^[0-9a-f]{40}$/i.test(revision);


/** Files inside a compiled CoreML model folder (.mlmodelc). */
const MLMODELC_FILES: RegistryFile[] = [
  { path: "coremldata.bin" },
  { path: "model.mil" },
  { path: "weights/weight.bin" },
  { path: "metadata.json", optional: true },
  { path: "analytics/coremldata.bin", optional: true },
];

/** Model names are plain folder names: letters, digits, `.`, `_`, `-` (never `..` or a path). */
export function checkName(name: string): string {
  if (!/^[\w.-]+$/.test(name) || /^\.+$/.test(name) || name.startsWith(".")) throw new Error(`invalid model name "${name}" (letters, digits, . _ -; not starting with a dot)`);
  return name;
}

/** Registry file paths stay inside the model folder. */
export function checkFilePath(model: string, path: string): string {
  if (!path || path.startsWith("/") || path.includes("\\") || path.split("/").some((p) => p === ".." || p === "." || p === "")) throw new Error(`registry entry ${model}: unsafe file path "${path}"`);
  return path;
}

export function registry(text: string = process.env.TYPOFIX_REGISTRY ? readFileSync(process.env.TYPOFIX_REGISTRY, "utf8") : (registryText as unknown as string)): RegistryEntry[] {
  const doc = parse(text) as { models?: Record<string, Omit<RegistryEntry, "name">> };
  return Object.entries(doc.models ?? {}).map(([name, e]) => {
    checkName(name);
    if (e.engine !== "onnx" && e.engine !== "ane") throw new Error(`registry entry ${name}: engine must be onnx or ane, not ${e.engine}`);
    const files = [...(e.files ?? []), ...(e.folders ?? []).flatMap((f) => MLMODELC_FILES.map((x) => ({ ...x, path: `${f}/${x.path}` })))];
    for (const f of files) checkFilePath(name, f.path);
    return { ...e, name, revision: e.revision ?? "main", files };
  });
}
