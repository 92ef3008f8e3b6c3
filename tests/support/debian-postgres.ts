import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * A private PostgreSQL 15 from Debian's packages (the machine's own server
 * binaries, /usr/lib/postgresql/15), on its own port and data directory. For
 * tests that need a client tool of the server's major version: Debian ships
 * pg_dump 15, which refuses the embedded server's newer major version.
 */
export const DEBIAN_PG_BIN = "/usr/lib/postgresql/15/bin";

export type DebianPostgres = {
  ownerUrl: string;
  pgDump: string;
  /** The cluster's scratch directory (its data directory is `data` inside), owned by the server's OS user. */
  dir: string;
  port: number;
  password: string;
  stop: () => Promise<void>;
};

export type PostgresUser = { uid?: number; gid?: number };

/** Runs as the postgres OS user when we are root (Postgres refuses root). */
export function asPostgresUser(): PostgresUser {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** A Debian PostgreSQL 15 server on an existing data directory, loopback TCP only; resolves once it has exited. */
export function runPostgres(dataDir: string, port: number, user: PostgresUser): { server: ChildProcess; exited: Promise<void> } {
  const server = spawn(
    path.join(DEBIAN_PG_BIN, "postgres"),
    ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off"],
    { ...user, stdio: "ignore" },
  );
  return { server, exited: new Promise<void>((resolve) => server.once("exit", () => resolve())) };
}

/** A free-looking port in the range these private clusters use. */
export function privatePort(): number {
  return 50_000 + Math.floor(Math.random() * 4000);
}

/**
 * Starts a private cluster. `conf` is appended to its postgresql.conf (e.g. an
 * `include` of a deploy/ snippet); the command line's settings above still win.
 */
export async function startDebianPostgres(options: { conf?: string } = {}): Promise<DebianPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "harambee-pg15-"));
  chmodSync(dir, 0o755);
  const user = asPostgresUser();
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const password = randomBytes(16).toString("hex");
  const pwfile = path.join(dir, "pwfile");
  writeFileSync(pwfile, password, { mode: 0o600 });
  if (user.uid !== undefined) chownSync(pwfile, user.uid, user.gid!);
  const dataDir = path.join(dir, "data");
  const init = spawnSync(path.join(DEBIAN_PG_BIN, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8", "--no-sync"], {
    ...user,
    encoding: "utf8",
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  if (options.conf) appendFileSync(path.join(dataDir, "postgresql.conf"), `\n${options.conf}\n`);
  const port = privatePort();
  const { server, exited } = runPostgres(dataDir, port, user);
  const base = `postgres://postgres:${password}@127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: `${base}/postgres` });
    try {
      await client.connect();
      await client.query("CREATE DATABASE harambee_dump");
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (attempt > 100) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    ownerUrl: `${base}/harambee_dump`,
    pgDump: path.join(DEBIAN_PG_BIN, "pg_dump"),
    dir,
    port,
    password,
    stop: async () => {
      server.kill("SIGINT");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
