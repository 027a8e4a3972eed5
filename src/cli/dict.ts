/** `typofix dict add|list|rm`: the user dictionary (words that are always right and never changed). */
import { defineCommand } from "citty";
import { consola } from "./log.ts";
import { configOrFail, fail } from "./args.ts";
import { messageOf } from "./exit.ts";
import { readDictionary, writeDictionary } from "../config.ts";

/** The words given: none, an empty one or one with a space in it is a usage error. */
function wordsOf(args: { _: unknown }): string[] {
  const words = (args._ as string[]).filter((w) => w !== undefined);
  if (!words.length) fail("give one or more words");
  for (const w of words) if (!w.trim() || /\s/.test(w)) fail(`"${w}" is not a word (empty, or with a space in it)`);
  return words;
}

function save(path: string, words: Iterable<string>): void {
  try {
    writeDictionary(path, words);
  } catch (err) {
    fail(`cannot write the dictionary ${path}: ${messageOf(err)}`);
  }
}

function load(path: string): string[] {
  try {
    return readDictionary(path);
  } catch (err) {
    fail(`cannot read the dictionary ${path}: ${messageOf(err)}`);
  }
}

const add = defineCommand({
  meta: { name: "add", description: "Add words to your dictionary" },
  args: { words: { type: "positional", required: true, description: "Words to add" } },
  async run({ args }) {
    const { dictionary, words: inline } = await configOrFail();
    const words = [...new Set(wordsOf(args))];
    const before = load(dictionary);
    const fresh = words.filter((w) => !before.includes(w) && !inline.includes(w));
    const had = words.filter((w) => before.includes(w) || inline.includes(w));
    if (fresh.length) save(dictionary, [...before, ...fresh]);
    if (had.length) consola.info(`already in your words: ${had.join(", ")}`);
    if (fresh.length) consola.success(`added ${fresh.join(", ")} to ${dictionary}`);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List your dictionary" },
  async run() {
    const { dictionary, words } = await configOrFail();
    const all = [...new Set([...load(dictionary), ...words])].sort((a, b) => a.localeCompare(b, "en"));
    if (all.length) process.stdout.write(all.join("\n") + "\n");
  },
});

const rm = defineCommand({
  meta: { name: "rm", description: "Remove words from your dictionary" },
  args: { words: { type: "positional", required: true, description: "Words to remove" } },
  async run({ args }) {
    const { dictionary, words: inline } = await configOrFail();
    const drop = new Set(wordsOf(args));
    const before = load(dictionary);
    const removed = [...drop].filter((w) => before.includes(w));
    const inConfig = [...drop].filter((w) => inline.includes(w));
    const missing = [...drop].filter((w) => !before.includes(w) && !inline.includes(w));
    if (removed.length) save(dictionary, before.filter((w) => !drop.has(w)));
    if (removed.length) consola.success(`removed ${removed.join(", ")} from ${dictionary}`);
    if (inConfig.length) consola.warn(`${inConfig.join(", ")}: listed under words: in the config file; remove ${inConfig.length > 1 ? "them" : "it"} there`);
    if (missing.length) consola.warn(`not in your dictionary (${dictionary}): ${missing.join(", ")}`);
  },
});

export default defineCommand({
  meta: { name: "dict", description: "Manage your dictionary of words that are never corrected" },
  subCommands: { add, list, rm },
});
