/**
 * `bun run build [--target linux-x64,…] [--ane-dylib PATH] [--keep-names]`: one self-contained executable per platform,
 * cross-compiled from any host with `bun build --compile` (minified, bytecode, no .env/bunfig autoload,
 * JIT_POLICY below; --keep-names keeps function names for `BUN_OPTIONS=--cpu-prof` profiles),
 * into dist/typofix-<target> with a .sha256 beside it. The version comes from package.json.
 *
 * Embedded in every binary: the lexicon data, prompts, registry, misspellings (file/text imports), and —
 * per target — onnxruntime's native add-on with its shared library (none exists for darwin-x64) and, on
 * darwin-arm64 when given (--ane-dylib or TYPOFIX_ANE_DYLIB_PATH), the Swift ANE library. At run time
 * src/runtime/native.ts extracts them once, together, into a versioned cache folder and loads them by
 * absolute path. Build plugins: `typofix:embedded` (the per-target list of native files), a rewrite of
 * onnxruntime-node's binding loader to use the extracted add-on, and a stub for `sharp` (image decoding,
 * which text never needs).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BunPlugin } from "bun";
import pkg from "../package.json" with { type: "json" };
import { parseWordList } from "../src/engines/lexicon/wordlists.ts";

const root = join(import.meta.dir, "..");
export const TARGETS = ["darwin-arm64", "darwin-x64", "linux-x64", "linux-arm64"] as const;
export type Target = (typeof TARGETS)[number];
/**
 * JavaScriptCore's tier-up thresholds, scaled, that the binary starts with: a one-liner stays in the
 * interpreter instead of spending ~15 ms of CPU compiling code it runs a few times. src/runtime/jit.ts sets
 * the normal policy back for streams, files, trees and subcommands. TYPOFIX_JIT_POLICY overrides it (1: off).
 */
export const JIT_POLICY = 256;

/** onnxruntime-node's native files for a target (empty where it has no build). */
export function ortFiles(target: Target): string[] {
  const [os, arch] = target.split("-") as [string, string];
  const dir = join(root, "node_modules/onnxruntime-node/bin/napi-v6", os, arch);
  if (!existsSync(join(dir, "onnxruntime_binding.node"))) return [];
  const libs = os === "darwin" ? ["libonnxruntime.1.dylib"] : ["libonnxruntime.so.1"];
  return ["onnxruntime_binding.node", ...libs].map((f) => join(dir, f)).filter((f) => existsSync(f));
}

/** typofix's attention library for a target (native/build.sh's output), or null where it was not built. */
export function attentionFile(target: Target): string | null {
  const f = join(root, "native/build", target, target.startsWith("darwin") ? "libtypofix_attention.dylib" : "libtypofix_attention.so");
  return existsSync(f) ? f : null;
}

function plugins(target: Target, aneDylib?: string): BunPlugin[] {
  const ort = ortFiles(target);
  const attention = ort.length ? attentionFile(target) : null;
  return [
    {
      name: "typofix-embedded",
      setup(build) {
        build.onResolve({ filter: /^typofix:embedded$/ }, () => ({ path: "typofix-embedded", namespace: "typofix" }));
        build.onLoad({ filter: /.*/, namespace: "typofix" }, () => {
          const files = ort.map((f, i) => ({ name: f.split("/").pop()!, v: `ort${i}`, path: f }));
          const imports = files.map((f) => `import ${f.v} from ${JSON.stringify(f.path)} with { type: "file" };`);
          if (aneDylib) imports.push(`import ane from ${JSON.stringify(resolve(aneDylib))} with { type: "file" };`);
          if (attention) imports.push(`import attentionLib from ${JSON.stringify(attention)} with { type: "file" };`);
          const contents = `${imports.join("\n")}
export const target = ${JSON.stringify(target)};
export const version = ${JSON.stringify(pkg.version)};
export const ort = [${files.map((f) => `{ name: ${JSON.stringify(f.name)}, path: ${f.v} }`).join(", ")}];
export const ane = ${aneDylib ? `{ name: "libTypofixANE.dylib", path: ane }` : "null"};
export const attention = ${attention ? `{ name: ${JSON.stringify(attention.split("/").pop())}, path: attentionLib }` : "null"};
`;
          return { contents, loader: "js" };
        });
      },
    },
    {
      name: "ort-binding",
      setup(build) {
        build.onLoad({ filter: /onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, async (args) => {
          const src = await Bun.file(args.path).text();
          const contents = src.replace(/require\(`\.\.\/bin\/napi-v6\/\$\{process\.platform\}\/\$\{process\.arch\}\/onnxruntime_binding\.node`\)/, "globalThis.__typofixOrtBinding()");
          if (contents === src) throw new Error("onnxruntime-node's binding loader changed; update scripts/build.ts");
          return { contents, loader: "js" };
        });
      },
    },
    {
      // the lexicon's small word lists (wordlists.ts: `with { type: "text" }`) as constants of the bundle: a
      // compiled binary otherwise embeds each as a file of its own and loads it with a require() when the
      // engine's chunk starts (seven of them cost a one-liner ~0.4 ms and ~45 page faults); and as a function
      // that gives the array of their words (parseWordList's, in its order), which WordList calls on its first
      // look-up: the one-liner no longer parses the lists it looks in (two regular expressions compiled, a
      // replace and a split of each), nor makes the arrays of those it never looks in
      name: "inline-word-lists",
      setup(build) {
        build.onLoad({ filter: INLINE_TEXT }, async (args) => ({ contents: `export default () => ${JSON.stringify(inlinedWordList(await Bun.file(args.path).text()))};`, loader: "js" }));
      },
    },
    {
      name: "stub-sharp",
      setup(build) {
        build.onResolve({ filter: /^sharp$/ }, () => ({ path: join(root, "scripts/stubs/sharp.ts") }));
      },
    },
  ];
}

/** The words of a word list's text as the build inlines them (plugins: inline-word-lists): parseWordList's, in its order. */
export function inlinedWordList(text: string): string[] {
  return [...parseWordList(text)];
}

/** Text files imported `with { type: "text" }` on the one-liner's path, inlined by the build (plugins: inline-word-lists). */
export const INLINE_TEXT = /[\\/]models[\\/]en[\\/]lists[\\/](?:function-words|particles-closed|prefixes|name-particles|modals|rare-swaps|loanwords)\.txt$/;

/** First 12 hex digits of models/en/lexicon.bin's SHA-256. */
export function lexiconSha(): string {
  return createHash("sha256").update(readFileSync(join(root, "models/en/lexicon.bin"))).digest("hex").slice(0, 12);
}

export async function buildTarget(target: Target, opts: { outDir?: string; aneDylib?: string; keepNames?: boolean } = {}): Promise<{ file: string; size: number; sha256: string }> {
  const outDir = opts.outDir ?? join(root, "dist");
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `typofix-${target}`);
  const ane = target === "darwin-arm64" ? opts.aneDylib : undefined;
  if (ane && !existsSync(ane)) throw new Error(`--ane-dylib ${ane}: no such file`);
  const r = await Bun.build({
    entrypoints: [join(root, "src/cli.ts")],
    compile: { target: `bun-${target}` as Bun.Build.CompileTarget, outfile, autoloadDotenv: false, autoloadBunfig: false, jitPolicy: Number(process.env.TYPOFIX_JIT_POLICY ?? JIT_POLICY) },
    // --keep-names: function names kept, for a readable `BUN_OPTIONS=--cpu-prof` profile of the binary
    minify: opts.keepNames ? { whitespace: true, syntax: true, identifiers: false } : true,
    bytecode: true,
    format: "esm",
    // lazily imported modules (subcommands, the LLM engines, the server, YAML, consola) go into their own
    // chunks, loaded on first import: in one bundle their code cost every one-liner ~4 ms of CPU
    splitting: true,
    sourcemap: "none",
    // the lexicon's content hash names the folder it is extracted to: two builds of one version (a rebuilt
    // lexicon.bin) never read each other's copy, nor overwrite it when run in turn
    define: { "process.env.TYPOFIX_COMPILED": JSON.stringify("1"), "process.env.TYPOFIX_LEXICON_SHA": JSON.stringify(lexiconSha()) },
    plugins: plugins(target, ane),
  });
  if (!r.success) throw new Error(`build ${target} failed:\n${r.logs.map(String).join("\n")}`);
  chmodSync(outfile, 0o755);
  const bytes = readFileSync(outfile);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  writeFileSync(`${outfile}.sha256`, `${sha256}  typofix-${target}\n`);
  return { file: outfile, size: statSync(outfile).size, sha256 };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const arg = (k: string) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
  const targets = (arg("--target")?.split(",") ?? [...TARGETS]) as Target[];
  for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t} (${TARGETS.join(", ")})`);
  const aneDylib = arg("--ane-dylib") ?? process.env.TYPOFIX_ANE_DYLIB_PATH;
  if (args.includes("--clean")) rmSync(join(root, "dist"), { recursive: true, force: true });
  for (const t of targets) {
    const t0 = performance.now();
    const b = await buildTarget(t, { aneDylib, keepNames: args.includes("--keep-names") });
    console.error(`${t}: ${b.file} ${(b.size / 1e6).toFixed(1)} MB sha256 ${b.sha256.slice(0, 16)}… (${((performance.now() - t0) / 1000).toFixed(1)} s)${ortFiles(t).length ? (attentionFile(t) ? " + attention op" : " — no attention op (bun run build:native)") : " — no onnxruntime for this target"}${t === "darwin-arm64" && aneDylib ? " + ANE dylib" : ""}`);
  }
}
