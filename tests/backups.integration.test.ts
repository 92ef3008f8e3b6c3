import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Decrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseAuditKeys } from "@/lib/crypto/keyring";
import { disconnectAll } from "@/lib/db/clients";
import { createDonor } from "@/lib/services/donors";
import { createMember } from "@/lib/services/members";
import { localObjectStore } from "@/lib/storage/local";
import { objectStore, type ObjectStore } from "@/lib/storage";
import { BACKUP_ROLE, migrate } from "../scripts/migrate";
import { takeBackup } from "../scripts/lib/backup";
import { backupStamp, dumpKey, manifestKey, readManifest, takeCensus, type Manifest } from "../scripts/lib/backup-manifest";
import { restoreBackup, withDatabase } from "../scripts/lib/restore";
import { runDrill } from "../scripts/lib/restore-drill";
import { startS3Server, type S3Server } from "./support/s3-server";
import { DEBIAN_PG_BIN, startDebianPostgres, type DebianPostgres } from "./support/debian-postgres";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

/**
 * Backups, restores and the restore drill on a real server: Debian's
 * PostgreSQL 15 with its own pg_dump and pg_restore (the embedded server of
 * the other tests is PostgreSQL 18, for which this machine has no pg_dump).
 */
const root = path.resolve(import.meta.dirname, "..");
const PERSON = { firstName: "Nyokabi", lastName: "Wachira-Odhiambo", email: "nyokabi.wachira@example.ke", phone: "+254700111222" };

let server: DebianPostgres;
let backupUrl: string;
let storeDir: string;
let store: ObjectStore;
let identity: string;
let recipient: string;
let club: TestOrganization;
let first: Manifest;

const roleUrl = (url: string, user: string, password: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
};

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const databaseExists = async (name: string) => (await query(server.ownerUrl, "SELECT 1 FROM pg_database WHERE datname = $1", [name])).length > 0;

/** A backup in the store made by hand: the given dump bytes under a new stamp, with `manifest` describing them. */
async function forgeBackup(dump: Buffer, manifest: Omit<Manifest, "stamp" | "dump">, offsetMs: number): Promise<string> {
  const stamp = backupStamp(new Date(Date.parse(first.createdAt) + offsetMs));
  await store.create(dumpKey(stamp), dump);
  const forged: Manifest = { ...manifest, stamp, dump: { key: dumpKey(stamp), bytes: dump.length, sha256: createHash("sha256").update(dump).digest("hex") } };
  await store.create(manifestKey(stamp), Buffer.from(JSON.stringify(forged)));
  return stamp;
}

beforeAll(async () => {
  server = await startDebianPostgres();
  process.env.BACKUP_DB_PASSWORD = "backup-role-test-password";
  await migrate(server.ownerUrl);
  process.env.DATABASE_URL = server.ownerUrl;
  backupUrl = roleUrl(server.ownerUrl, BACKUP_ROLE, process.env.BACKUP_DB_PASSWORD);
  storeDir = mkdtempSync(path.join(os.tmpdir(), "harambee-backups-"));
  store = localObjectStore(storeDir);
  identity = await generateX25519Identity();
  recipient = await identityToRecipient(identity);

  club = await createTestOrganization("backup");
  await createMember(club.actors.ADMIN, PERSON);
  await createMember(club.actors.ADMIN, { firstName: "Baraka", lastName: "Mutua" });
  await createDonor(club.actors.TREASURER, { name: "Kilimani Rotary Trust", email: "trust@kilimani.example" });
  await createDonor(club.actors.TREASURER, { name: "Westlands Friends" });
  first = await takeBackup({ backupUrl, store, recipient });
}, 180_000);

afterAll(async () => {
  await disconnectAll();
  await server?.stop();
  if (storeDir) rmSync(storeDir, { recursive: true, force: true });
});

describe("the backup role", () => {
  test("[M2.3] harambee_backup bypasses row-level security and may change nothing; a role under RLS is refused", async () => {
    const [role] = await query(server.ownerUrl, "SELECT rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = $1", [BACKUP_ROLE]);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: true, rolcreatedb: false, rolcreaterole: false });
    // Sees every tenant's rows with no tenant set…
    const [members] = await query<{ n: string }>(backupUrl, "SELECT count(*)::text AS n FROM member WHERE organization_id = $1", [club.id]);
    expect(members!.n).toBe("2");
    // …and writes none, even when it asks for a read-write transaction.
    await expect(query(backupUrl, "INSERT INTO district (id, code, name) VALUES (gen_random_uuid(), 'X1', 'x')")).rejects.toThrow(/read-only transaction/);
    await expect(query(backupUrl, "BEGIN READ WRITE; DELETE FROM donor; COMMIT")).rejects.toThrow(/permission denied/);
    const appUrl = roleUrl(server.ownerUrl, "harambee_app", process.env.APP_DB_PASSWORD!);
    await expect(takeBackup({ backupUrl: appUrl, store, recipient })).rejects.toThrow(/harambee_app is subject to row-level security/);
  });
});

describe("an encrypted backup", () => {
  test("[M2.3] the dump file contains no plaintext (an age header, then ciphertext) and decrypting it without the identity fails", async () => {
    const file = await store.read(first.dump.key);
    expect(file.subarray(0, 32).toString("latin1")).toBe("age-encryption.org/v1\n-> X25519 ");
    const text = file.toString("latin1").toLowerCase();
    for (const plain of ["PGDMP", PERSON.lastName, PERSON.email, club.emails.OWNER, club.slug, "Kilimani Rotary Trust", "CREATE TABLE"]) {
      expect(text).not.toContain(plain.toLowerCase());
    }
    expect(first.dump.bytes).toBe(file.length);

    // Without the identity: another key, or none, opens nothing.
    const stranger = new Decrypter();
    stranger.addIdentity(await generateX25519Identity());
    await expect(stranger.decrypt(file)).rejects.toThrow(/no identity matched/);
    await expect(new Decrypter().decrypt(file)).rejects.toThrow();

    // With it: a whole pg_dump archive whose rows include this organisation's (the owner's login, the member's name).
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    const archive = Buffer.from(await decrypter.decrypt(file));
    expect(archive.subarray(0, 5).toString("latin1")).toBe("PGDMP");
    const sql = execFileSync(path.join(DEBIAN_PG_BIN, "pg_restore"), ["--file=-", "--data-only"], { input: archive, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    expect(sql).toContain(PERSON.lastName);
    expect(sql).toContain(club.emails.OWNER);
  });

  test("[M2.3] the manifest records the file's size and SHA-256, every table's rows and every chain's head, as the database had them", async () => {
    expect(await readManifest(store, first.stamp)).toEqual(first);
    expect(first).toMatchObject({ database: "harambee_dump", encryption: { tool: "age", recipient }, postgres: { major: 15 } });
    const live = await takeCensus(await connect(backupUrl));
    expect(first.tables).toEqual(live.tables);
    expect(first.tables["public.member"]).toBe(2);
    expect(first.tables["public.donor"]).toBe(2);
    expect(first.tables["public._prisma_migrations"]).toBeGreaterThan(0);
    const [head] = await query<{ seq: string; hash: string }>(server.ownerUrl, "SELECT seq::text AS seq, hash FROM audit_entry WHERE organization_id = $1 ORDER BY audit_entry.seq DESC LIMIT 1", [club.id]);
    expect(first.chains).toContainEqual({ chain: club.slug, organizationId: club.id, ...head });
    expect(first.chains[0]).toMatchObject({ chain: "platform", organizationId: null, seq: expect.stringMatching(/^\d+$/) });
  });

  test("[M2.3] [M8.2] npm run backup refuses to run where AGE_IDENTITY is set, and otherwise writes a backup, then prunes", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "harambee-backup-cli-"));
    // Two copies of one day two years ago: the year keeps the later one.
    const day = new Date(Date.UTC(new Date().getUTCFullYear() - 2, 5, 15));
    const [early, late] = [1, 2].map((hour) => backupStamp(new Date(day.getTime() + hour * 3_600_000)));
    const cli = localObjectStore(dir);
    for (const stamp of [early!, late!]) {
      await cli.create(dumpKey(stamp), await store.read(first.dump.key));
      await cli.create(manifestKey(stamp), Buffer.from(JSON.stringify({ ...first, stamp, dump: { ...first.dump, key: dumpKey(stamp) } })));
    }
    const env = { ...process.env, STORAGE_DIR: dir, BACKUP_AGE_RECIPIENT: recipient };
    const refused = spawnSync(process.execPath, ["--import", "tsx", "scripts/backup.ts"], { cwd: root, env: { ...env, AGE_IDENTITY: identity }, encoding: "utf8" });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/AGE_IDENTITY is set on this host: the backup's private key must not be where the backups are made/);
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/backup.ts"], { cwd: root, env, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/backup: .*backups\/\d{8}T\d{6}\.\d{3}Z\.dump\.age: \d+ bytes, sha256 [0-9a-f]{64}/);
    expect(run.stdout).toContain(`backup: pruned 1 old backup(s): ${early}`);
    const left = (await cli.list("backups/")).map((o) => o.key);
    expect(left).toHaveLength(4);
    expect(left).toEqual(expect.arrayContaining([dumpKey(late!), manifestKey(late!)]));
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});

describe("the backup target", () => {
  test("[M2.3] a full disk at the target: a clear error, exit 1, and no file left in the store", () => {
    expect(process.getuid?.(), "a tmpfs is mounted as root; CI runs as root").toBe(0);
    const dir = mkdtempSync(path.join(os.tmpdir(), "harambee-backup-full-"));
    const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "size=8k,mode=755", "tmpfs", dir], { encoding: "utf8" });
    expect(mount.status, `mount -t tmpfs: ${mount.stderr}`).toBe(0);
    try {
      expect(first.dump.bytes).toBeGreaterThan(8 * 1024);
      const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/backup.ts"], { cwd: root, env: { ...process.env, STORAGE_DIR: dir, BACKUP_AGE_RECIPIENT: recipient }, encoding: "utf8" });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`backup: failed: the disk holding ${dir} is full, so nothing was kept: free space there, or point STORAGE_DIR at another disk`);
      const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      expect(files.map((f) => f.name)).toEqual([]);
    } finally {
      spawnSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

const connections: pg.Client[] = [];
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  connections.push(client);
  return client;
}
afterAll(async () => {
  for (const client of connections) await client.end();
});

describe("restore", () => {
  test("[M8.4] a wrong age key: a clear error, and no database is left behind", async () => {
    await expect(restoreBackup({ ownerUrl: server.ownerUrl, store, stamp: first.stamp, identities: [await generateX25519Identity()], database: "restore_wrong_key" })).rejects.toThrow(
      /cannot decrypt it \(no identity matched any of the file's recipients\): wrong AGE_IDENTITY\? nothing restored/,
    );
    expect(await databaseExists("restore_wrong_key")).toBe(false);
  });

  test("[M8.4] a truncated dump: refused against its manifest; and with a manifest that matches it, stopped part-way with nothing restored", async () => {
    const whole = await store.read(first.dump.key);
    const cut = whole.subarray(0, whole.length - 1000);
    const stamp = backupStamp(new Date(Date.parse(first.createdAt) + 1000));
    await store.create(dumpKey(stamp), cut);
    await store.create(manifestKey(stamp), Buffer.from(JSON.stringify({ ...first, stamp, dump: { ...first.dump, key: dumpKey(stamp) } })));
    await expect(restoreBackup({ ownerUrl: server.ownerUrl, store, stamp, identities: [identity], database: "restore_cut" })).rejects.toThrow(/truncated or altered; nothing restored/);
    expect(await databaseExists("restore_cut")).toBe(false);

    const matching = await forgeBackup(cut, first, 2000);
    await expect(restoreBackup({ ownerUrl: server.ownerUrl, store, stamp: matching, identities: [identity], database: "restore_cut" })).rejects.toThrow(/failed part-way.*nothing restored/);
    expect(await databaseExists("restore_cut")).toBe(false);
  });

  test("[M8.4] a dump from a newer PostgreSQL major version: a clear error naming both versions", async () => {
    const stamp = await forgeBackup(await store.read(first.dump.key), { ...first, postgres: { ...first.postgres, major: 18, serverVersionNum: 180004 } }, 3000);
    await expect(restoreBackup({ ownerUrl: server.ownerUrl, store, stamp, identities: [identity], database: "restore_newer" })).rejects.toThrow(
      /dumped from PostgreSQL 18; this server is PostgreSQL 15.*Restore into a PostgreSQL 18 \(or newer\) server; nothing restored/,
    );
    expect(await databaseExists("restore_newer")).toBe(false);
  });

  test("[M8.4] a non-empty target is refused and left as it was; an empty one is restored into", async () => {
    const before = await query<{ n: string }>(server.ownerUrl, "SELECT count(*)::text AS n FROM member");
    await expect(restoreBackup({ ownerUrl: server.ownerUrl, store, stamp: first.stamp, identities: [identity], database: "harambee_dump" })).rejects.toThrow(
      /database harambee_dump is not empty \(\d+ objects\): restore only into a new, empty database; nothing restored/,
    );
    expect(await query(server.ownerUrl, "SELECT count(*)::text AS n FROM member")).toEqual(before);

    await query(server.ownerUrl, "CREATE DATABASE restore_empty");
    const { url } = await restoreBackup({ ownerUrl: server.ownerUrl, store, stamp: first.stamp, identities: [identity], database: "restore_empty" });
    expect(await query(withDatabase(backupUrl, "restore_empty"), "SELECT count(*)::text AS n FROM member")).toEqual(before);
    expect(url).toContain("/restore_empty");
    await query(server.ownerUrl, "DROP DATABASE restore_empty");
  }, 60_000);
});

describe("the restore drill", () => {
  test("[M8.4] [M8.3] npm run drill: backup, restore into a fresh database, row counts equal the manifest, every chain verifies with the manifest's head, health ok; timed", () => {
    const env = { ...process.env, STORAGE_DIR: storeDir, BACKUP_AGE_RECIPIENT: recipient, AGE_IDENTITY: identity };
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/drill.ts"], { cwd: root, env, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const timings = run.stdout.split("\n").flatMap((line) => /^drill: (\S+(?: \S+)?) +\d+\.\d\d s$/.exec(line)?.[1] ?? []);
    expect(timings).toEqual(["backup", "restore", "row counts", "audit chains", "health check", "drop database"]);
    expect(run.stdout).toMatch(/drill: ok — backup \d{8}T\d{6}\.\d{3}Z restored and checked in \d+\.\d\d s/);
    expect(run.stdout).toMatch(/drill: backup \d{8}T\d{6}\.\d{3}Z: \d+ bytes, \d+ tables, 2 audit chains/);
  }, 120_000);

  /**
   * The dump of a database changed after the backup, described by the manifest of the database before:
   * what a dump made through row-level security, a broken dump, or an altered one looks like.
   */
  async function tamperedBackup(change: string, offsetMs: number): Promise<string> {
    await restoreBackup({ ownerUrl: server.ownerUrl, store, stamp: first.stamp, identities: [identity], database: "tamper_source" });
    await query(withDatabase(server.ownerUrl, "tamper_source"), change);
    const scratchDir = mkdtempSync(path.join(os.tmpdir(), "harambee-tamper-"));
    try {
      const scratch = localObjectStore(scratchDir);
      const changed = await takeBackup({ backupUrl: withDatabase(backupUrl, "tamper_source"), store: scratch, recipient });
      return await forgeBackup(await scratch.read(changed.dump.key), first, offsetMs);
    } finally {
      await query(server.ownerUrl, "DROP DATABASE tamper_source");
      rmSync(scratchDir, { recursive: true, force: true });
    }
  }

  const drill = (from: string) => runDrill({ ownerUrl: server.ownerUrl, backupUrl, store, recipient, identities: [identity], auditKeys: parseAuditKeys(process.env).keys, from });

  test("[M8.4] the drill fed a dump with one table emptied fails, naming the table", async () => {
    const report = await drill(await tamperedBackup("DELETE FROM donor", 4000));
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(["table public.donor: 0 rows, manifest says 2"]);
    expect(report.steps.map((s) => s.step)).toEqual(["restore", "row counts", "audit chains", "health check", "drop database"]);
    expect(await databaseExists(report.database)).toBe(false);
  }, 120_000);

  test("[M8.4] the drill fed a dump whose audit chain lost its last entry fails on the chain's head, though the chain still verifies", async () => {
    const clubHead = first.chains.find((c) => c.organizationId === club.id)!;
    const cut = `BEGIN; SET LOCAL harambee.allow_audit_rewrite = 'on';
      DELETE FROM audit_entry WHERE organization_id = '${club.id}' AND seq = ${clubHead.seq}; COMMIT`;
    const report = await drill(await tamperedBackup(cut, 5000));
    const [previous] = await query<{ hash: string }>(server.ownerUrl, "SELECT hash FROM audit_entry WHERE organization_id = $1 AND seq = $2", [club.id, BigInt(clubHead.seq!) - 1n]);
    expect(report.problems).toEqual([
      `table public.audit_entry: ${first.tables["public.audit_entry"]! - 1} rows, manifest says ${first.tables["public.audit_entry"]}`,
      `audit chain ${club.slug}: head #${BigInt(clubHead.seq!) - 1n} ${previous!.hash}, manifest says #${clubHead.seq} ${clubHead.hash}`,
    ]);
  }, 120_000);
});

describe("on an S3-compatible bucket", () => {
  let s3: S3Server;
  const bucket = "harambee-backups";
  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.createBucket(bucket);
  }, 60_000);
  afterAll(() => s3?.stop());

  test("[M2.3] [M8.4] npm run drill with STORAGE_S3_BUCKET: the backup goes to the bucket encrypted, comes back from it, and checks out", async () => {
    const env = { ...process.env, ...s3.env(bucket), BACKUP_AGE_RECIPIENT: recipient, AGE_IDENTITY: identity };
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/drill.ts"], { cwd: root, env, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/drill: ok — backup \d{8}T\d{6}\.\d{3}Z restored and checked in \d+\.\d\d s/);

    const bucketStore = objectStore(s3.env(bucket));
    const keys = (await bucketStore.list("backups/")).map((o) => o.key);
    expect(keys).toEqual([expect.stringMatching(/^backups\/\d{8}T\d{6}\.\d{3}Z\.dump\.age$/), expect.stringMatching(/\.manifest\.json$/)]);
    const dump = await bucketStore.read(keys[0]!);
    expect(dump.subarray(0, 21).toString()).toBe("age-encryption.org/v1");
    expect(dump.includes(Buffer.from(PERSON.email))).toBe(false);
    // The local directory was not written: the bucket is the target.
    expect(await localObjectStore(process.env.STORAGE_DIR!).list("backups/")).toEqual([]);
  }, 180_000);
});
