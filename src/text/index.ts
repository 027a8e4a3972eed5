export * from "./spans.ts";
export * from "./tokenize.ts";
export * from "./case.ts";
export * from "./edits.ts";
export * from "./lines.ts";
export * from "./negation.ts";
