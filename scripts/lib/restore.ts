import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import pg from "pg";
import type { ObjectStore } from "../../lib/storage";
import { connectGrants } from "../migrate";
import { decryptStream } from "./backup-encryption";
import { readManifest, type Manifest } from "./backup-manifest";
import { findPgTool, pgBinDirs, programConnection, programOutput, serverMajor } from "./pg-tools";

export type RestoreOptions = {
  /** The owner (or any role that may create databases) on the target server; its database is only where we connect. */
  ownerUrl: string;
  store: ObjectStore;
  stamp: string;
  /** age identities (AGE-SECRET-KEY-1…). */
  identities: string[];
  /** The new database's name. */
  database: string;
  binDirs?: string[];
};

export class RestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreError";
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

async function hashObject(store: ObjectStore, key: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of store.readStream(key)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest("hex") };
}

/**
 * Writes the plaintext to pg_restore's stdin and ends it only when all of it
 * was read: on a decryption error the caller kills pg_restore while its input
 * is still open, so it can never take a cut-short input for a whole one.
 */
async function feed(child: ChildProcessWithoutNullStreams, plain: AsyncIterable<Uint8Array>): Promise<void> {
  const stdin = child.stdin;
  stdin.on("error", () => undefined); // EPIPE once pg_restore stops early: its exit status says why
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  for await (const chunk of plain) {
    if (child.exitCode !== null || child.signalCode !== null || stdin.destroyed) return;
    if (!stdin.write(chunk)) await Promise.race([new Promise<void>((resolve) => stdin.once("drain", () => resolve())), exited]);
  }
  stdin.end();
}

/** Objects in the target database outside the system schemas (tables, views, sequences, functions, types). */
async function userObjects(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)')
          + (SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')) AS n`,
  );
  return Number(rows[0]!.n);
}

/**
 * Restores a backup into a new, empty database, all or nothing:
 * the file must match its manifest (size, SHA-256), the server must be of the
 * dump's major version or newer, and the identity must open the file before
 * anything is created. pg_restore runs in one transaction and stops at the
 * first error; a database this created is dropped on any failure, and one
 * that already existed must be empty and is left as it was.
 */
export async function restoreBackup(options: RestoreOptions): Promise<{ manifest: Manifest; url: string }> {
  const manifest = await readManifest(options.store, options.stamp);
  const found = await hashObject(options.store, manifest.dump.key).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new RestoreError(`backup ${options.stamp}: its dump ${manifest.dump.key} is missing from ${options.store.describe()}`);
    throw error;
  });
  if (found.bytes !== manifest.dump.bytes || found.sha256 !== manifest.dump.sha256) {
    throw new RestoreError(
      `backup ${options.stamp}: the dump is ${found.bytes} bytes with SHA-256 ${found.sha256}, its manifest says ${manifest.dump.bytes} bytes, ${manifest.dump.sha256}: ` +
        "truncated or altered; nothing restored",
    );
  }

  const admin = new pg.Client({ connectionString: options.ownerUrl });
  await admin.connect();
  let created = false;
  try {
    const major = await serverMajor(admin);
    if (manifest.postgres.major > major) {
      throw new RestoreError(
        `backup ${options.stamp} was dumped from PostgreSQL ${manifest.postgres.major}; this server is PostgreSQL ${major}, and a dump cannot go to an older major version. ` +
          `Restore into a PostgreSQL ${manifest.postgres.major} (or newer) server; nothing restored`,
      );
    }
    const pgRestore = findPgTool("pg_restore", major, options.binDirs ?? pgBinDirs());

    let plain: AsyncGenerator<Uint8Array>;
    const encrypted = options.store.readStream(manifest.dump.key);
    try {
      plain = await decryptStream(options.identities, encrypted);
    } catch (error) {
      encrypted.destroy();
      throw new RestoreError(`backup ${options.stamp}: cannot decrypt it (${error instanceof Error ? error.message : String(error)}): wrong AGE_IDENTITY? nothing restored`);
    }

    const exists = await admin.query("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", [options.database]);
    const url = withDatabase(options.ownerUrl, options.database);
    if (exists.rowCount) {
      const target = new pg.Client({ connectionString: url });
      await target.connect();
      const objects = await userObjects(target).finally(() => target.end());
      if (objects > 0) {
        await plain.return(undefined);
        throw new RestoreError(`database ${options.database} is not empty (${objects} objects): restore only into a new, empty database; nothing restored`);
      }
    } else {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(options.database)}`);
      created = true;
    }

    const connection = programConnection(url);
    const child = spawn(pgRestore, ["--single-transaction", "--exit-on-error", "--no-owner", "--no-password", `--dbname=${connection.dbname}`], {
      env: connection.env,
      stdio: ["pipe", "pipe", "pipe"],
    }) as ChildProcessWithoutNullStreams;
    const output = programOutput(child, "pg_restore");
    const drained = (async () => {
      for await (const line of output) void line;
    })();
    // Handled below; marked now so an early pg_restore failure is not an unhandled rejection meanwhile.
    drained.catch(() => undefined);
    try {
      await feed(child, plain);
    } catch (error) {
      // Decryption failed part-way (a truncated or corrupted file): pg_restore must not see an end of input and commit what it has.
      child.kill("SIGKILL");
      await drained.catch(() => undefined);
      throw new RestoreError(`backup ${options.stamp}: the dump failed part-way (${error instanceof Error ? error.message : String(error)}); nothing restored`);
    }
    await drained.catch((error: unknown) => {
      throw new RestoreError(`backup ${options.stamp}: ${error instanceof Error ? error.message : String(error)}; nothing restored`);
    });

    const target = new pg.Client({ connectionString: url });
    await target.connect();
    try {
      for (const statement of connectGrants(target.escapeIdentifier(options.database))) await target.query(statement);
    } finally {
      await target.end();
    }
    return { manifest, url };
  } catch (error) {
    if (created) await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(options.database)} WITH (FORCE)`).catch(() => undefined);
    throw error;
  } finally {
    await admin.end();
  }
}

/** Drops a database (e.g. the drill's) as the owner. */
export async function dropDatabase(ownerUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
