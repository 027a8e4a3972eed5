/**
 * `typofix serve --install`: the unit that starts the server on login — a systemd user unit on Linux
 * (~/.config/systemd/user/typofix.service), a launchd agent on macOS
 * (~/Library/LaunchAgents/dev.typofix.serve.plist) — and the command that enables it.
 */
import { join } from "node:path";

export const LAUNCHD_LABEL = "dev.typofix.serve";

export interface UnitOptions {
  /** "linux" or "darwin" (default: this OS). */
  platform?: string;
  /** The command that runs the server: [executable, ...args]. */
  command: string[];
  home: string;
  /** Environment the server needs to find the same socket, config and models as the CLI. */
  env?: Record<string, string>;
}

export interface Unit {
  platform: "linux" | "darwin";
  path: string;
  text: string;
  /** Shell commands that enable and start it. */
  enable: string[];
  /** Shell commands that stop and remove it. */
  disable: string[];
}

/** The command that runs `typofix serve` with these arguments: the compiled binary, or bun + the script. */
export function serveCommand(args: string[], compiled = process.env.TYPOFIX_COMPILED === "1"): string[] {
  return compiled ? [process.execPath, "serve", ...args] : [process.execPath, join(import.meta.dir, "../cli.ts"), "serve", ...args];
}

/** Variables worth carrying into the unit: they decide the socket, the config and the model store. */
export function unitEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ["TYPOFIX_HOME", "TYPOFIX_SOCKET", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "TYPOFIX_REGISTRY"]) if (env[k]) out[k] = env[k]!;
  return out;
}

/** systemd's quoting for ExecStart words: double quotes, with \\ " and $ escaped, % doubled. */
function systemdWord(w: string): string {
  const e = w.replace(/%/g, "%%");
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? e : `"${e.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$/g, "$$$$")}"`;
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const sh = (s: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

export function unitFor(o: UnitOptions): Unit {
  const platform = o.platform ?? process.platform;
  const env = o.env ?? {};
  if (platform === "linux") {
    const path = join(env.XDG_CONFIG_HOME || join(o.home, ".config"), "systemd/user/typofix.service");
    const lines = [
      "# typofix: keeps the typo-fixing engine warm for the typofix CLI and editors (typofix serve --install)",
      "[Unit]",
      "Description=typofix server (warm typo-fixing engine on a local socket)",
      "",
      "[Service]",
      "Type=simple",
      `ExecStart=${o.command.map(systemdWord).join(" ")}`,
      ...Object.entries(env).map(([k, v]) => `Environment=${systemdWord(`${k}=${v}`)}`),
      "Restart=on-failure",
      "RestartSec=2",
      "",
      "[Install]",
      "WantedBy=default.target",
      "",
    ];
    return {
      platform: "linux",
      path,
      text: lines.join("\n"),
      enable: ["systemctl --user daemon-reload", "systemctl --user enable --now typofix.service"],
      disable: ["systemctl --user disable --now typofix.service", `rm ${sh(path)}`],
    };
  }
  if (platform === "darwin") {
    const path = join(o.home, "Library/LaunchAgents", `${LAUNCHD_LABEL}.plist`);
    const log = join(o.home, "Library/Logs/typofix-serve.log");
    const envXml = Object.keys(env).length
      ? ["  <key>EnvironmentVariables</key>", "  <dict>", ...Object.entries(env).flatMap(([k, v]) => [`    <key>${xml(k)}</key>`, `    <string>${xml(v)}</string>`]), "  </dict>"]
      : [];
    const lines = [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">`,
      `<!-- typofix: keeps the typo-fixing engine warm for the typofix CLI and editors (written by typofix serve) -->`,
      `<plist version="1.0">`,
      `<dict>`,
      `  <key>Label</key>`,
      `  <string>${LAUNCHD_LABEL}</string>`,
      `  <key>ProgramArguments</key>`,
      `  <array>`,
      ...o.command.map((w) => `    <string>${xml(w)}</string>`),
      `  </array>`,
      ...envXml,
      `  <key>RunAtLoad</key>`,
      `  <true/>`,
      `  <key>KeepAlive</key>`,
      `  <dict>`,
      `    <key>SuccessfulExit</key>`,
      `    <false/>`,
      `  </dict>`,
      `  <key>ProcessType</key>`,
      `  <string>Interactive</string>`,
      `  <key>StandardErrorPath</key>`,
      `  <string>${xml(log)}</string>`,
      `</dict>`,
      `</plist>`,
      ``,
    ];
    return {
      platform: "darwin",
      path,
      text: lines.join("\n"),
      enable: [`launchctl bootstrap gui/$(id -u) ${sh(path)}`],
      disable: [`launchctl bootout gui/$(id -u)/${LAUNCHD_LABEL}`, `rm ${sh(path)}`],
    };
  }
  throw new Error(`--install knows systemd (Linux) and launchd (macOS), not ${platform}; run \`typofix serve\` from your session's start-up instead`);
}
