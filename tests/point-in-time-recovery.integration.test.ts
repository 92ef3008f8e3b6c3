import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { seedDemo } from "../prisma/seed";
import { migrate } from "../scripts/migrate";
import { DEBIAN_PG_BIN, asPostgresUser, privatePort, runPostgres, startDebianPostgres, type DebianPostgres } from "./support/debian-postgres";

/**
 * Point-in-time recovery with exactly what deploy/ ships: PostgreSQL 15
 * configured by deploy/postgresql/wal-archiving.conf (rendered with envsubst as
 * deploy/deploy.sh renders it), WAL archived by archive-wal.sh, a base backup by
 * base-backup.sh and the recovery prepared by pitr-restore.sh. The scripts run
 * as the server's OS user, as on a host. The database holds the demo dataset
 * (prisma/seed.ts), so the recovery time printed is the demo's RTO.
 */
const root = path.resolve(import.meta.dirname, "..");
const script = (name: string) => path.join(root, "deploy/postgresql", name);
const user = asPostgresUser();

let server: DebianPostgres;
let storage: string;
let pgEnv: NodeJS.ProcessEnv;

function run(program: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(program, args, { ...user, env, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/** A directory the server's OS user owns, as the archive and the restored data directory are on a host. */
function ownedDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  // The snippet needs its two paths before the server starts: render it into a directory of its own first.
  const scratch = ownedDir(mkdtempSync(path.join(os.tmpdir(), "harambee-pitr-")));
  chmodSync(scratch, 0o755);
  storage = ownedDir(path.join(scratch, "storage"));
  const rendered = spawnSync("envsubst", ["${HARAMBEE_HOME} ${STORAGE_DIR}"], {
    input: readFileSync(script("wal-archiving.conf")),
    env: { ...process.env, HARAMBEE_HOME: root, STORAGE_DIR: storage },
    encoding: "utf8",
  });
  expect(rendered.status, rendered.stderr).toBe(0);
  const snippet = path.join(scratch, "harambee-wal.conf");
  writeFileSync(snippet, rendered.stdout, { mode: 0o644 });
  server = await startDebianPostgres({ conf: `include '${snippet}'` });
  await migrate(server.ownerUrl);
  process.env.DATABASE_URL = server.ownerUrl;
  await seedDemo();
  await disconnectAll();
  pgEnv = { ...process.env, PGHOST: "127.0.0.1", PGPORT: String(server.port), PGUSER: "postgres", PGPASSWORD: server.password, PG_BIN_DIR: DEBIAN_PG_BIN };
}, 120_000);

afterAll(async () => {
  await disconnectAll();
  await server?.stop();
  if (storage) rmSync(path.dirname(storage), { recursive: true, force: true });
});

describe("point-in-time recovery", () => {
  test("[B4.1] [M8.3] the server archives WAL with the shipped settings: archive_mode on, 60 s archive_timeout, into the store's wal/ folder", async () => {
    const settings = await query<{ name: string; setting: string }>(
      server.ownerUrl,
      "SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', 'archive_mode', 'archive_timeout', 'archive_command') ORDER BY name",
    );
    expect(Object.fromEntries(settings.map((s) => [s.name, s.setting]))).toEqual({
      archive_command: `${root}/deploy/postgresql/archive-wal.sh ${storage}/wal %p %f`,
      archive_mode: "on",
      archive_timeout: "60",
      wal_level: "replica",
    });
    const [{ segment }] = await query<{ segment: string }>(server.ownerUrl, "SELECT pg_walfile_name(pg_switch_wal()) AS segment");
    await waitFor("the segment to be archived", async () => {
      const [stats] = await query<{ last: string | null; failed: string }>(server.ownerUrl, "SELECT last_archived_wal AS last, failed_count::text AS failed FROM pg_stat_archiver");
      expect(stats!.failed).toBe("0");
      return stats!.last !== null && stats!.last >= segment ? true : undefined;
    });
    expect(readdirSync(path.join(storage, "wal"))).toContain(segment);
  });

  test("[B4.1] archive-wal.sh is write-once: the same segment again is success, different bytes under its name are refused and the archived copy stays", () => {
    const wal = path.join(storage, "wal");
    const [segment] = readdirSync(wal).filter((name) => /^[0-9A-F]{24}$/.test(name));
    const archived = readFileSync(path.join(wal, segment!));
    const again = run(script("archive-wal.sh"), [wal, path.join(wal, segment!), segment!]);
    expect(again.status, again.stderr).toBe(0);

    const impostor = path.join(path.dirname(storage), "impostor");
    writeFileSync(impostor, Buffer.alloc(archived.length, 7));
    const refused = run(script("archive-wal.sh"), [wal, impostor, segment!]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("already exists with different contents; not overwriting it");
    expect(readFileSync(path.join(wal, segment!)).equals(archived)).toBe(true);
    expect(readdirSync(wal).filter((name) => name.startsWith(".tmp-"))).toEqual([]);
  });

  test("[B4.1] [M8.3] base backup, rows, a timestamp, more rows: recovery to the timestamp holds exactly the rows committed before it", async () => {
    await query(server.ownerUrl, "CREATE TABLE ledger (id int PRIMARY KEY, note text NOT NULL)");
    await query(server.ownerUrl, "INSERT INTO ledger VALUES (0, 'before the base backup')");

    const backup = run(script("base-backup.sh"), [storage], pgEnv);
    expect(backup.status, backup.stderr).toBe(0);
    const stamp = backup.stdout.split("\n").at(-1)!;
    expect(readdirSync(path.join(storage, "basebackups", stamp)).sort()).toEqual(["backup_manifest", "base.tar.gz", "pg_wal.tar.gz"]);

    // One transaction per row, so each has its own commit record in the WAL.
    for (const id of [1, 2, 3]) await query(server.ownerUrl, `INSERT INTO ledger VALUES (${id}, 'before the target')`);
    const [{ target }] = await query<{ target: string }>(server.ownerUrl, "SELECT clock_timestamp()::text AS target");
    await new Promise((r) => setTimeout(r, 50));
    for (const id of [4, 5, 6]) await query(server.ownerUrl, `INSERT INTO ledger VALUES (${id}, 'after the target')`);
    await query(server.ownerUrl, "UPDATE ledger SET note = 'changed after the target' WHERE id = 1");
    // The commits after the target must reach the archive, or recovery could not see where to stop.
    const [{ segment }] = await query<{ segment: string }>(server.ownerUrl, "SELECT pg_walfile_name(pg_switch_wal()) AS segment");
    await waitFor("the last segment to be archived", async () => {
      const [stats] = await query<{ last: string | null }>(server.ownerUrl, "SELECT last_archived_wal AS last FROM pg_stat_archiver");
      return stats!.last !== null && stats!.last >= segment ? true : undefined;
    });

    const data = path.join(path.dirname(storage), "restored");
    const started = performance.now();
    const restore = run(script("pitr-restore.sh"), [storage, target!, data]);
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`base backup ${stamp}`);
    const prepared = performance.now();
    const port = privatePort();
    const restored = runPostgres(data, port, user);
    const url = `postgres://postgres:${server.password}@127.0.0.1:${port}/harambee_dump`;
    try {
      await waitFor("recovery to finish and the server to promote", async () => {
        const [{ recovering }] = await query<{ recovering: boolean }>(url, "SELECT pg_is_in_recovery() AS recovering");
        return recovering ? undefined : true;
      });
      const promoted = performance.now();
      const rows = await query<{ id: number; note: string }>(url, "SELECT id, note FROM ledger ORDER BY id");
      expect(rows).toEqual([
        { id: 0, note: "before the base backup" },
        { id: 1, note: "before the target" },
        { id: 2, note: "before the target" },
        { id: 3, note: "before the target" },
      ]);
      // The demo organisations of the base backup came back with them.
      const demo = await query(server.ownerUrl, "SELECT slug FROM organization ORDER BY slug");
      expect(demo.length).toBeGreaterThan(0);
      expect(await query(url, "SELECT slug FROM organization ORDER BY slug")).toEqual(demo);
      // A restored server never writes into the live archive.
      expect(await query(url, "SELECT setting FROM pg_settings WHERE name = 'archive_mode'")).toEqual([{ setting: "off" }]);
      console.log(
        `[M8.3] PITR of the demo dataset: pitr-restore.sh ${((prepared - started) / 1000).toFixed(2)} s, ` +
          `start + WAL replay + promotion ${((promoted - prepared) / 1000).toFixed(2)} s, ` +
          `total ${((promoted - started) / 1000).toFixed(2)} s (base backup ${stamp}, ${statSync(path.join(storage, "basebackups", stamp, "base.tar.gz")).size} bytes compressed; ${readdirSync(path.join(storage, "wal")).length} archived WAL files)`,
      );
    } finally {
      restored.server.kill("SIGINT");
      await restored.exited;
    }
  });

  test("[B4.1] pitr-restore.sh refuses a target before every base backup and a data directory that is not empty, touching nothing", () => {
    const early = run(script("pitr-restore.sh"), [storage, "2001-01-01 00:00:00+00", path.join(path.dirname(storage), "early")]);
    expect(early.status).toBe(1);
    expect(early.stderr).toContain("no base backup in");
    expect(readdirSync(path.dirname(storage))).not.toContain("early");

    const occupied = ownedDir(path.join(path.dirname(storage), "occupied"));
    writeFileSync(path.join(occupied, "PG_VERSION"), "15\n");
    const refused = run(script("pitr-restore.sh"), [storage, "2099-01-01 00:00:00+00", occupied]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("is not empty");
    expect(readdirSync(occupied)).toEqual(["PG_VERSION"]);

    const garbled = run(script("pitr-restore.sh"), [storage, "the day before the flood", path.join(path.dirname(storage), "garbled")]);
    expect(garbled.status).toBe(2);
    expect(garbled.stderr).toContain("cannot read the target time");
  });
});
