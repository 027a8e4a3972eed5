/**
 * What `require("typofix")` / `import "typofix"` gives outside Bun: a clear error. The library is
 * TypeScript that uses Bun's APIs (Bun.file, bun:ffi, embedded files); under Bun the package's "bun"
 * export condition loads src/index.ts instead. Costs nothing.
 */
"use strict";
throw new Error('typofix: the library runs on Bun 1.3 or later (https://bun.sh): `bun add typofix`, then `import { fix } from "typofix"` under Bun. From Node, run the typofix command instead.');
