/**
 * Model management, one concern per module (re-exported here so that callers import one place):
 *   registry.ts  models/registry.yaml: entries, names and file paths checked
 *   store.ts     the local store: installed manifests, resolving a name or folder, layouts, the final rename
 *   lock.ts      one installer per model (O_EXCL pid lock; a dead owner's lock is taken over)
 *   hub.ts       the Hugging Face hub: URLs, metadata, listings and globs, resumable downloads
 *   verify.ts    sha256, the .verified.json stamps, the check on load, `model verify`
 *   install.ts   pull, import and remove: staged, checked, atomic installs
 * Listing, resolving and using installed models needs no network. Cost: nothing beyond the modules'.
 */
export { checkName, isCommit, registry, type RegistryEntry, type RegistryFile } from "./registry.ts";
export { detectLayout, installed, modelDir, resolveModel, storeDir, type Manifest, type ResolvedModel } from "./store.ts";
export { withLock } from "./lock.ts";
export { endpoint, fileUrl, globRegex, type Progress, type PullOptions } from "./hub.ts";
export { checkModelFiles, verify } from "./verify.ts";
export { importModel, pull, remove } from "./install.ts";
