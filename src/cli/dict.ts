/** `typofix dict add|list|rm`: the user dictionary (words that are always right and never changed). */
import { defineCommand } from "citty";
import { consola } from "./log.ts";
import { configOrFail } from "./args.ts";
import { readDictionary, writeDictionary } from "../config.ts";

const add = defineCommand({
  meta: { name: "add", description: "Add words to your dictionary" },
  args: { words: { type: "positional", required: true, description: "Words to add" } },
  async run({ args }) {
    const { dictionary } = await configOrFail();
    const words = (args._ as string[]).filter(Boolean);
    const before = readDictionary(dictionary);
    writeDictionary(dictionary, [...before, ...words]);
    consola.success(`added ${words.join(", ")} to ${dictionary}`);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List your dictionary" },
  async run() {
    const { dictionary, words } = await configOrFail();
    const all = [...new Set([...readDictionary(dictionary), ...words])].sort((a, b) => a.localeCompare(b, "en"));
    if (all.length) process.stdout.write(all.join("\n") + "\n");
  },
});

const rm = defineCommand({
  meta: { name: "rm", description: "Remove words from your dictionary" },
  args: { words: { type: "positional", required: true, description: "Words to remove" } },
  async run({ args }) {
    const { dictionary } = await configOrFail();
    const drop = new Set((args._ as string[]).filter(Boolean));
    const before = readDictionary(dictionary);
    const missing = [...drop].filter((w) => !before.includes(w));
    writeDictionary(dictionary, before.filter((w) => !drop.has(w)));
    if (missing.length) consola.warn(`not in the dictionary: ${missing.join(", ")}`);
    consola.success(`dictionary: ${dictionary}`);
  },
});

export default defineCommand({
  meta: { name: "dict", description: "Manage your dictionary of words that are never corrected" },
  subCommands: { add, list, rm },
});
