/** The subcommands of typofix, loaded lazily (the one-liner imports none of them). */
import type { CommandDef } from "citty";
import fix from "./fix.ts";

export const subCommands: Record<string, () => Promise<CommandDef<any>>> = {
  fix: async () => fix,
  eval: () => import("./eval.ts").then((m) => m.default),
  corrupt: () => import("./corrupt.ts").then((m) => m.default),
  dict: () => import("./dict.ts").then((m) => m.default),
  model: () => import("./model.ts").then((m) => m.default),
  doctor: () => import("./doctor.ts").then((m) => m.default),
  bench: () => import("./bench.ts").then((m) => m.default),
  serve: () => import("./serve.ts").then((m) => m.default),
  completions: () => import("./completions.ts").then((m) => m.default),
  lsp: () => import("./lsp.ts").then((m) => m.default),
};
