/**
 * Messages for people go to stderr (stdout carries only results), through consola. consola is loaded
 * only when there is something to say: the one-liner never pays for it. The level is set explicitly:
 * consola would otherwise hide notices whenever NODE_ENV=test is inherited.
 */
import type { ConsolaInstance } from "consola";

let instance: ConsolaInstance | undefined;
let level = 3;

function get(): ConsolaInstance {
  if (!instance) {
    const { createConsola } = require("consola") as typeof import("consola");
    instance = createConsola({ stdout: process.stderr, stderr: process.stderr, level });
  }
  return instance;
}

/** Whether anything has been said through consola (its stream to stderr may hold a message still). */
export const consolaUsed = (): boolean => instance !== undefined;

export const consola = {
  get level(): number {
    return level;
  },
  set level(v: number) {
    level = v;
    if (instance) instance.level = v;
  },
  info: (...a: unknown[]) => void (level >= 3 && get().info(...(a as [string]))),
  success: (...a: unknown[]) => void (level >= 3 && get().success(...(a as [string]))),
  warn: (...a: unknown[]) => void (level >= 1 && get().warn(...(a as [string]))),
  /** Errors are one plain line, `typofix: …`, like every failure of the CLI (src/cli/exit.ts). */
  error: (...a: unknown[]) => void (level >= 0 && process.stderr.write(`typofix: ${a.map(String).join(" ")}\n`)),
};
