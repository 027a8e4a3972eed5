/**
 * node:path's POSIX join, without the module: importing node:path costs a compiled one-liner ~0.8 M
 * instructions and ~60 page faults, and the one-liner only joins a few folder names (config, cache, runtime
 * folders). Modules on its path take join from here and the rest of node:path on first use (nodePath).
 * The same results as node:path's posix.join (test/startup.test.ts compares them on random segments);
 * typofix builds for Linux and macOS only, where that is the platform's join.
 */
let path: typeof import("node:path") | undefined;

/** The node:path module (required on the first call). */
export function nodePath(): typeof import("node:path") {
  return (path ??= require("node:path") as typeof import("node:path"));
}

const SLASH = 47;
const DOT = 46;

/** `p` without . and .. segments and repeated slashes (Node's normalizeString, POSIX). */
function normalizeString(p: string, allowAboveRoot: boolean): string {
  let res = "";
  let lastSegmentLength = 0;
  let lastSlash = -1;
  let dots = 0;
  let code = 0;
  for (let i = 0; i <= p.length; ++i) {
    if (i < p.length) code = p.charCodeAt(i);
    else if (code === SLASH) break;
    else code = SLASH;
    if (code === SLASH) {
      if (lastSlash === i - 1 || dots === 1) {
        // an empty or "." segment: nothing
      } else if (dots === 2) {
        if (res.length < 2 || lastSegmentLength !== 2 || res.charCodeAt(res.length - 1) !== DOT || res.charCodeAt(res.length - 2) !== DOT) {
          if (res.length > 2) {
            const lastSlashIndex = res.lastIndexOf("/");
            if (lastSlashIndex === -1) {
              res = "";
              lastSegmentLength = 0;
            } else {
              res = res.slice(0, lastSlashIndex);
              lastSegmentLength = res.length - 1 - res.lastIndexOf("/");
            }
            lastSlash = i;
            dots = 0;
            continue;
          } else if (res.length !== 0) {
            res = "";
            lastSegmentLength = 0;
            lastSlash = i;
            dots = 0;
            continue;
          }
        }
        if (allowAboveRoot) {
          res += res.length > 0 ? "/.." : "..";
          lastSegmentLength = 2;
        }
      } else {
        if (res.length > 0) res += "/" + p.slice(lastSlash + 1, i);
        else res = p.slice(lastSlash + 1, i);
        lastSegmentLength = i - lastSlash - 1;
      }
      lastSlash = i;
      dots = 0;
    } else if (code === DOT && dots !== -1) ++dots;
    else dots = -1;
  }
  return res;
}

/** node:path's posix.normalize. */
function normalize(p: string): string {
  if (p.length === 0) return ".";
  const isAbsolute = p.charCodeAt(0) === SLASH;
  const trailingSeparator = p.charCodeAt(p.length - 1) === SLASH;
  let out = normalizeString(p, !isAbsolute);
  if (out.length === 0) return isAbsolute ? "/" : trailingSeparator ? "./" : ".";
  if (trailingSeparator) out += "/";
  return isAbsolute ? `/${out}` : out;
}

/** node:path's posix.join: the non-empty parts joined with / and normalised ("." for none). */
export function join(...parts: string[]): string {
  let joined: string | undefined;
  for (const part of parts) {
    if (typeof part !== "string") throw new TypeError(`The "path" argument must be of type string. Received ${typeof part}`);
    if (part.length > 0) joined = joined === undefined ? part : `${joined}/${part}`;
  }
  if (joined === undefined) return ".";
  // a path with nothing to normalise (the usual: "/home/me/.config", "typofix") is its own result, found by
  // a few native searches instead of a loop over its characters (interpreted in a one-liner: ~40 K instructions)
  return isNormal(joined) ? joined : normalize(joined);
}

/** Whether normalize(p) is p: no empty, "." or ".." segment (a last "/" is kept as it is). */
function isNormal(p: string): boolean {
  return (
    p !== "." &&
    p !== ".." &&
    !p.includes("//") &&
    !p.includes("/./") &&
    !p.includes("/../") &&
    !p.endsWith("/.") &&
    !p.endsWith("/..") &&
    !p.startsWith("./") &&
    !p.startsWith("../")
  );
}
