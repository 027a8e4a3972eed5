/**
 * Installing and removing models: `pull` (a registry model from the hub: files into a staging folder,
 * each checked against the registry's or the hub's size and sha256, a pinned commit enforced, the layout
 * checked, then renamed into place under the model's lock, so a half-downloaded model is never visible),
 * `importModel` (a local folder copied in the same way) and `remove`. Cost: the downloads and one sha256
 * pass per file.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pidAlive } from "../fsutil.ts";
import { download, fileUrl, HttpError, hubMetadata, wantedFiles, type PullOptions } from "./hub.ts";
import { lockOwner, withLock } from "./lock.ts";
import { isCommit, registry, checkName } from "./registry.ts";
import { detectLayout, installed, listFiles, moveIntoPlace, modelDir, storeDir, type Manifest } from "./store.ts";
import { sha256File, STAMP, stampInstall } from "./verify.ts";

/** Install a registry model. Returns its manifest (the existing one if already installed). */
export async function pull(name: string, o: PullOptions = {}): Promise<Manifest> {
  const env = o.env ?? process.env;
  const entry = registry().find((e) => e.name === name);
  if (!entry) throw new Error(`no model "${name}" in the registry (see \`typofix model list\`)`);
  if (entry.importOnly || (!entry.files.length && !entry.include?.length)) throw new Error(`${name} is not downloadable as is: ${entry.description ?? "import it with `typofix model import DIR`"}`);
  return withLock(
    name,
    env,
    async () => {
      const existing = installed(env).find((m) => m.name === name);
      if (existing) return existing;
      const store = storeDir(env);
      const staging = join(store, ".staging", name);
      mkdirSync(staging, { recursive: true });
      const files: Manifest["files"] = [];
      const { files: wanted, commit: listedCommit } = await wantedFiles(entry, env, o);
      let commit = listedCommit;
      // a pinned entry gets exactly that commit: a Hub (or mirror) answering with another is refused
      const pinned = isCommit(entry.revision) ? entry.revision.toLowerCase() : undefined;
      const checkPin = (c: string | undefined) => {
        if (pinned && c && c !== pinned) throw new Error(`${entry.repo}: the hub served commit ${c} for the pinned revision ${pinned}; nothing installed`);
      };
      checkPin(commit);
      for (const file of wanted) {
        const dest = join(staging, file.path);
        const url = fileUrl(entry, file.path, env);
        // the registry's size and digest; where it has none, the Hub's own (X-Linked-Size / X-Linked-Etag)
        const hub: { size?: number; sha256?: string; commit?: string } = file.size == null || !file.sha256 ? await hubMetadata(url, o) : {};
        checkPin(hub.commit);
        commit ??= hub.commit;
        const want = { size: file.size ?? hub.size, sha256: file.sha256?.toLowerCase() ?? hub.sha256, from: file.sha256 ? "the registry's" : "the hub's" };
        if (!existsSync(dest)) {
          try {
            await download(url, dest, file.path, o, want.size);
          } catch (err) {
            if (file.optional && err instanceof HttpError && err.status === 404) continue;
            throw err;
          }
        }
        const size = statSync(dest).size;
        const digest = await sha256File(dest);
        if (want.size != null && size !== want.size) {
          rmSync(dest, { force: true });
          throw new Error(`${file.path}: size ${size} does not match ${file.size != null ? "the registry's" : "the hub's"} ${want.size}; nothing installed`);
        }
        if (want.sha256 && digest !== want.sha256) {
          rmSync(dest, { force: true });
          throw new Error(`${file.path}: sha256 ${digest} does not match ${want.from} ${want.sha256}; nothing installed`);
        }
        files.push({ path: file.path, size, sha256: digest });
      }
      const manifest: Manifest = {
        name,
        engine: entry.engine,
        repo: entry.repo,
        revision: entry.revision,
        dtype: entry.dtype,
        prompt: entry.prompt,
        source: "pull",
        ...(commit ?? pinned ? { commit: commit ?? pinned } : {}),
        installedAt: new Date().toISOString(),
        files,
      };
      if (entry.include?.length || entry.ifPresent?.length) {
        // a repository pulled by listing is only installed if it has the layout its engine loads
        let layout: string;
        try {
          layout = detectLayout(staging);
        } catch (err) {
          throw new Error(`${entry.repo}: the downloaded files are not a model folder the ${entry.engine} engine loads (${(err as Error).message.replace(staging, "…")}); nothing installed`);
        }
        if (layout !== entry.engine) throw new Error(`${entry.repo}: the downloaded files are a ${layout} model, not ${entry.engine}; nothing installed`);
      }
      writeFileSync(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2));
      moveIntoPlace(staging, modelDir(name, env), store);
      stampInstall(modelDir(name, env), files);
      return manifest;
    },
    { onWait: o.onWait, waitMs: o.lockWaitMs },
  );
}

export function remove(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const dir = modelDir(name, env); // checks the name: never a path outside the store
  const owner = lockOwner(join(storeDir(env), ".locks", `${name}.lock`));
  if (owner && pidAlive(owner)) throw new Error(`${name} is being installed by another typofix (pid ${owner}); remove it when that is done`);
  if (!existsSync(join(dir, "manifest.json"))) return false;
  const trash = join(storeDir(env), ".staging", `${name}.removing-${process.pid}`);
  mkdirSync(dirname(trash), { recursive: true });
  renameSync(dir, trash);
  rmSync(trash, { recursive: true, force: true });
  return true;
}

/** Copy a local model folder into the store under `name`. */
export async function importModel(src: string, name: string, o: { env?: NodeJS.ProcessEnv; prompt?: string } = {}): Promise<Manifest> {
  const env = o.env ?? process.env;
  checkName(name);
  const engine = detectLayout(src);
  return withLock(name, env, async () => {
    const staging = join(storeDir(env), ".staging", name);
    rmSync(staging, { recursive: true, force: true });
    cpSync(src, staging, { recursive: true });
    const files = [];
    for (const p of listFiles(staging).filter((f) => f !== "manifest.json" && f !== STAMP)) files.push({ path: p, size: statSync(join(staging, p)).size, sha256: await sha256File(join(staging, p)) });
    const entry = registry().find((e) => e.name === name);
    const manifest: Manifest = { name, engine, source: "import", prompt: o.prompt ?? entry?.prompt ?? "chat", installedAt: new Date().toISOString(), files };
    writeFileSync(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2));
    rmSync(join(staging, STAMP), { force: true });
    moveIntoPlace(staging, modelDir(name, env), storeDir(env));
    stampInstall(modelDir(name, env), files);
    return manifest;
  });
}
