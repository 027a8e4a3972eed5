/** `typofix model list|pull|rm|info|path|import`: the models the LLM engines use. */
import { defineCommand } from "citty";
import { consola } from "./log.ts";
import { EXIT } from "./exit.ts";

/** The exit code for a model command's error: a model that is not there (3), a bad name or folder (2), else 5. */
function codeFor(err: unknown): number {
  const m = (err as Error).message;
  if (/is not installed|^no model|not in the registry|is not downloadable/.test(m)) return EXIT.model;
  if (/invalid model name|missing |not a folder|no such|unknown prompt|prompt format|neither a|no \.mlmodelc/i.test(m)) return EXIT.usage;
  return EXIT.failed;
}
import { importModel, installed, modelDir, pull, registry, remove, resolveModel, storeDir, verify } from "../models/index.ts";
import { progressPrinter } from "../models/progress.ts";

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

const list = defineCommand({
  meta: { name: "list", description: "Models installed and available" },
  args: { json: { type: "boolean", description: "As JSON" } },
  run({ args }) {
    const have = installed();
    const reg = registry();
    const rows = [
      ...have.map((m) => ({ name: m.name, engine: m.engine, installed: true, size: m.files.reduce((a, f) => a + f.size, 0), source: m.repo ?? m.source })),
      ...reg
        .filter((e) => !have.some((m) => m.name === e.name))
        .map((e) => ({ name: e.name, engine: e.engine, installed: false, size: e.files.length && e.files.every((f) => f.size != null) ? e.files.reduce((a, f) => a + (f.size ?? 0), 0) : null, source: e.repo })),
    ];
    if (args.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    for (const r of rows) process.stdout.write(`${r.installed ? "*" : " "} ${r.name.padEnd(28)} ${r.engine.padEnd(5)} ${(r.size === null ? (r.source === "import" || reg.find((e) => e.name === r.name)?.importOnly ? "import" : "size ?") : mb(r.size)).padStart(10)}  ${r.source}\n`);
    process.stdout.write(`(* installed in ${storeDir()})\n`);
  },
});

const pullCmd = defineCommand({
  meta: { name: "pull", description: "Download a model from the hub (HF_ENDPOINT overrides; resumable, verified, atomic)" },
  args: { name: { type: "positional", required: true, description: "Model name (typofix model list)" } },
  async run({ args }) {
    try {
      const m = await pull(args.name as string, { onProgress: progressPrinter(Boolean(process.stderr.isTTY), (s) => process.stderr.write(s)), onWait: (pid) => consola.info(`waiting for another typofix (pid ${pid}) installing ${args.name}`) });
      consola.success(`${m.name}: ${m.files.length} files, ${mb(m.files.reduce((a, f) => a + f.size, 0))} in ${modelDir(m.name)}`);
    } catch (err) {
      consola.error((err as Error).message);
      process.exit(codeFor(err));
    }
  },
});

const rm = defineCommand({
  meta: { name: "rm", description: "Remove an installed model" },
  args: { name: { type: "positional", required: true, description: "Model name" } },
  run({ args }) {
    let removed: boolean;
    try {
      removed = remove(args.name as string);
    } catch (err) {
      consola.error((err as Error).message);
      process.exit(codeFor(err));
    }
    if (!removed) {
      consola.error(`${args.name} is not installed`);
      process.exit(EXIT.model);
    }
    consola.success(`removed ${args.name}`);
  },
});

const info = defineCommand({
  meta: { name: "info", description: "Details of a model: registry entry, installed files and digests" },
  args: { name: { type: "positional", required: true, description: "Model name" } },
  run({ args }) {
    const name = args.name as string;
    const entry = registry().find((e) => e.name === name);
    const m = installed().find((x) => x.name === name);
    if (!entry && !m) {
      consola.error(`no model "${name}"`);
      process.exit(EXIT.model);
    }
    process.stdout.write(JSON.stringify({ registry: entry ?? null, installed: m ?? null, path: m ? modelDir(name) : null }, null, 2) + "\n");
  },
});

const path = defineCommand({
  meta: { name: "path", description: "Print the folder of an installed model" },
  args: { name: { type: "positional", required: true, description: "Model name" } },
  run({ args }) {
    try {
      process.stdout.write(resolveModel(args.name as string).dir + "\n");
    } catch (err) {
      consola.error((err as Error).message);
      process.exit(codeFor(err));
    }
  },
});

const verifyCmd = defineCommand({
  meta: { name: "verify", description: "Re-hash an installed model's files against the digests recorded when it was installed" },
  args: { name: { type: "positional", required: true, description: "Model name" } },
  async run({ args }) {
    try {
      const problems = await verify(args.name as string);
      if (problems.length) {
        for (const p of problems) consola.error(p);
        consola.error(`${args.name} is damaged: \`typofix model rm ${args.name}\` and pull or import it again`);
        process.exit(EXIT.found);
      }
      consola.success(`${args.name}: every file matches its recorded sha256`);
    } catch (err) {
      consola.error((err as Error).message);
      process.exit(codeFor(err));
    }
  },
});

const imp = defineCommand({
  meta: { name: "import", description: "Add a local model folder (Hugging Face ONNX layout or ANEMLL) to the store" },
  args: {
    dir: { type: "positional", required: true, description: "Model folder" },
    name: { type: "string", description: "Name to install it as (default: the folder's name)" },
    prompt: { type: "string", description: "Prompt format: chat or completion" },
  },
  async run({ args }) {
    const dir = args.dir as string;
    const name = (args.name as string | undefined) ?? dir.replace(/\/+$/, "").split("/").pop()!;
    try {
      const m = await importModel(dir, name, { prompt: args.prompt as string | undefined });
      consola.success(`imported ${m.name} (${m.engine}, ${m.files.length} files) into ${modelDir(m.name)}`);
    } catch (err) {
      consola.error((err as Error).message);
      process.exit(codeFor(err));
    }
  },
});

export default defineCommand({
  meta: { name: "model", description: "Manage the models of the LLM engines (list, pull, rm, info, path, import, verify)" },
  subCommands: { list, pull: pullCmd, rm, info, path, import: imp, verify: verifyCmd },
});
