/**
 * Whether to write ANSI colour, by these rules (first match wins; no-color.org, force-color.org):
 * `--color` / `--no-color`; the config file's `color:`; NO_COLOR set and not empty → no;
 * FORCE_COLOR set and not empty → yes; TERM=dumb → no; otherwise colour only when stdout is a terminal.
 * Cost: a few environment look-ups.
 */
export function useColor(flag?: boolean, config?: boolean, env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): boolean {
  if (flag !== undefined) return flag;
  if (config !== undefined) return config;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR) return true;
  if (env.TERM === "dumb") return false;
  return isTTY;
}
