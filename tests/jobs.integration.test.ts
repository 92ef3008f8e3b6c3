/**
 * Background jobs (lib/jobs): `npm run migrate` installs pg-boss's schema as
 * the owner and grants it; the worker runs jobs as the platform role; a web
 * request enqueues as the app role, which can add a job and nothing more.
 * On a database of its own, so that its privileges can be compared with those
 * the Prisma migrations alone give.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { enqueue, stopQueue } from "@/lib/jobs/queue";
import { defineJob, type JobOptions } from "@/lib/jobs/registry";
import { startWorker } from "@/lib/jobs/worker";
import { migrate, MIGRATIONS_DIR } from "../scripts/migrate";
import { applyMigrations } from "../scripts/lib/schema-engine";
import { connectAs, tenantTables } from "./support/database";
import { createTestOrganization } from "./support/organizations";
import { captureLogLines, captureStderr } from "./support/stderr";
import { withRequestId } from "@/lib/context/request-id";

const ROOT = path.resolve(import.meta.dirname, "..");
const RUNTIME_ROLES = ["harambee_app", "harambee_platform"];

let ownerUrl: string;
let owner: pg.Client;
let privilegesFromMigrationsAlone: Snapshot;

async function createDatabase(prefix: string): Promise<string> {
  const url = new URL(process.env.DATABASE_URL!);
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url.href });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`).finally(() => admin.end());
  url.pathname = `/${name}`;
  return url.href;
}

type Snapshot = Record<string, unknown[]>;

/** What the runtime roles (and PUBLIC) may do, in schema pgboss or everywhere else, and the RLS guarding schema public. */
async function securitySnapshot(where: "pgboss" | "outside pgboss"): Promise<Snapshot> {
  const inSchema = where === "pgboss" ? "= 'pgboss'" : "NOT IN ('pgboss', 'pg_catalog', 'information_schema')";
  const privileges = await owner.query(
    `WITH acl AS (
       SELECT 'relation' AS kind, n.nspname AS schema, c.relname AS object, c.relacl AS acl
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       UNION ALL
       SELECT 'column', n.nspname, c.relname || '.' || a.attname, a.attacl
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       UNION ALL
       SELECT 'schema', n.nspname, n.nspname, n.nspacl FROM pg_namespace n
       UNION ALL
       SELECT 'function', n.nspname, p.oid::regprocedure::text, p.proacl FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     )
     SELECT kind, object, COALESCE(r.rolname, 'PUBLIC') AS grantee, e.privilege_type AS privilege
       FROM acl CROSS JOIN LATERAL aclexplode(acl.acl) e LEFT JOIN pg_roles r ON r.oid = e.grantee
      WHERE acl.schema ${inSchema} AND (e.grantee = 0 OR r.rolname = ANY($1))
      ORDER BY 1, 2, 3, 4`,
    [RUNTIME_ROLES],
  );
  const rowSecurity = await owner.query(
    `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
      WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') ORDER BY 1`,
  );
  const policies = await owner.query(`SELECT tablename, policyname, roles, cmd, qual, with_check FROM pg_policies ORDER BY 1, 2`);
  const roles = await owner.query(`SELECT rolname, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1`, [RUNTIME_ROLES]);
  return where === "pgboss"
    ? { privileges: privileges.rows }
    : { privileges: privileges.rows, rowSecurity: rowSecurity.rows, policies: policies.rows, roles: roles.rows };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function jobState(id: string): Promise<string | undefined> {
  const { rows } = await owner.query<{ state: string }>("SELECT state FROM pgboss.job WHERE id = $1", [id]);
  return rows[0]?.state;
}

const finished = (id: string, state = "completed") => until(`job ${id} to be ${state}`, async () => (await jobState(id)) === state);

async function sessionRoles(applicationName: string): Promise<string[]> {
  const { rows } = await owner.query<{ usename: string }>(
    "SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
    [applicationName],
  );
  return rows.map((r) => r.usename);
}

/** A promise and its resolve (Promise.withResolvers arrives with Node 22). */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A job that records the data of each run and lets a test await the next one. */
function recordingJob(name: string, options?: JobOptions) {
  const runs: object[] = [];
  // One promise per run, so a run that finishes before the test asks for it is still seen.
  const settled: { promise: Promise<object>; resolve: (value: object) => void }[] = [];
  const nth = (i: number) => (settled[i] ??= deferred<object>());
  let asked = 0;
  const job = defineJob({
    name,
    options,
    run: async (data) => {
      nth(runs.length).resolve(data);
      runs.push(data);
    },
  });
  return { job, runs, nextRun: () => nth(asked++).promise };
}

beforeAll(async () => {
  ownerUrl = await createDatabase("jobs");
  owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  await applyMigrations(ownerUrl, MIGRATIONS_DIR);
  privilegesFromMigrationsAlone = await securitySnapshot("outside pgboss");
  await migrate(ownerUrl);
  // Before anything reads the environment: every client of this file uses this database.
  process.env.DATABASE_URL = ownerUrl;
});

afterEach(() => stopQueue());

afterAll(async () => {
  await owner?.end();
  await disconnectAll();
});

describe("npm run migrate installs the job schema and grants it", () => {
  test("the schema pgboss belongs to the owner; neither runtime role may create anything in it", async () => {
    const { rows } = await owner.query("SELECT nspowner::regrole::text AS owner, current_user AS me FROM pg_namespace WHERE nspname = 'pgboss'");
    expect(rows[0].owner).toBe(rows[0].me);
    for (const role of ["app", "platform"] as const) {
      const client = await connectAs(role);
      try {
        await expect(client.query("CREATE TABLE pgboss.smuggled (id int)")).rejects.toThrow(/permission denied for schema pgboss/);
        await expect(client.query("TRUNCATE pgboss.job")).rejects.toThrow(/permission denied for table job/);
      } finally {
        await client.end();
      }
    }
  });

  test("the app role may add a job, but not read, change or delete one, nor create a queue", async () => {
    const app = await connectAs("app");
    try {
      await expect(app.query("SELECT data FROM pgboss.job")).rejects.toThrow(/permission denied for table job/);
      await expect(app.query("UPDATE pgboss.job SET state = 'completed'")).rejects.toThrow(/permission denied for table job/);
      await expect(app.query("DELETE FROM pgboss.job")).rejects.toThrow(/permission denied for table job/);
      await expect(app.query("SELECT pgboss.create_queue('smuggled', '{}')")).rejects.toThrow(/permission denied for function create_queue/);
    } finally {
      await app.end();
    }
  });

  test("it changes no privilege, row-level security policy or role attribute outside schema pgboss", async () => {
    expect(await securitySnapshot("outside pgboss")).toEqual(privilegesFromMigrationsAlone);
  });

  test("the app role still reads only its own organisation's rows in every tenant table", async () => {
    const [clubA, clubB] = [await createTestOrganization("jobs-a"), await createTestOrganization("jobs-b")];
    const app = await connectAs("app");
    try {
      for (const table of await tenantTables(app)) {
        const byOrg = `SELECT organization_id FROM ${app.escapeIdentifier(table)}`;
        await app.query("BEGIN");
        await app.query("SELECT set_config('app.org_id', $1, true)", [clubA.id]);
        const { rows } = await app.query<{ organization_id: string }>(byOrg);
        await app.query("ROLLBACK");
        expect(rows.filter((r) => r.organization_id !== clubA.id), table).toEqual([]);
        expect((await app.query(byOrg)).rows, `${table} without a tenant`).toEqual([]);
      }
      const owned = await owner.query("SELECT count(*)::int AS n FROM membership WHERE organization_id = $1", [clubB.id]);
      expect(owned.rows[0].n).toBeGreaterThan(0);
    } finally {
      await app.end();
    }
  });
});

describe("the worker and enqueue (lib/jobs)", () => {
  test("the worker, as the platform role, works a job sent through the queue, with a log line as it starts and finishes", async () => {
    const echo = recordingJob("test.echo");
    const worker = await startWorker([echo.job]);
    expect(await sessionRoles("harambee-worker")).toEqual(["harambee_platform"]);

    const output: string[] = [];
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (output.push(String(chunk)), true));
    try {
      const id = await enqueue("test.echo", { organizationId: "org-1", period: "2026-07" });
      expect(await echo.nextRun()).toEqual({ organizationId: "org-1", period: "2026-07" });
      await finished(id!);
    } finally {
      stdout.mockRestore();
    }
    const lines = output.map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.message, l.job])).toEqual([
      ["job.started", "test.echo"],
      ["job.finished", "test.echo"],
    ]);
    expect(output.join("")).not.toContain("org-1");
    await worker.stop();
  });

  test("[M10.1] a job enqueued during a request runs under the request's id: its log lines carry it, its data does not", async () => {
    const echo = recordingJob("test.traced");
    const worker = await startWorker([echo.job]);
    const { lines } = await captureLogLines(async () => {
      const id = await withRequestId("req-traced-0001", () => enqueue("test.traced", { organizationId: "org-2" }));
      expect(await echo.nextRun()).toEqual({ organizationId: "org-2" });
      await finished(id!);
    });
    expect(lines.filter((l) => l.job === "test.traced").map((l) => [l.message, l.requestId])).toEqual([
      ["job.started", "req-traced-0001"],
      ["job.finished", "req-traced-0001"],
    ]);
    await worker.stop();
  });

  test("a web request enqueues as the app role; a worker started later runs the job", async () => {
    const echo = recordingJob("test.later");
    await (await startWorker([echo.job])).stop();

    const id = await enqueue("test.later", { memberId: "m-1" });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await sessionRoles("harambee-web")).toEqual(["harambee_app"]);
    expect(await jobState(id!)).toBe("created");
    await stopQueue();

    const worker = await startWorker([echo.job]);
    expect(await echo.nextRun()).toEqual({ memberId: "m-1" });
    await finished(id!);
    await worker.stop();
  });

  test("a job enqueued twice with one singletonKey runs once", async () => {
    const dues = recordingJob("test.dues", { policy: "short" });
    await (await startWorker([dues.job])).stop();

    const first = await enqueue("test.dues", { period: "2026-07" }, { singletonKey: "org-1:2026-07" });
    const second = await enqueue("test.dues", { period: "2026-07" }, { singletonKey: "org-1:2026-07" });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    await stopQueue();

    const worker = await startWorker([dues.job]);
    await finished(first!);
    await worker.stop();
    expect(dues.runs).toHaveLength(1);
    const { rows } = await owner.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'test.dues'");
    expect(rows[0].n).toBe(1);
  });

  test("enqueueing for a job no worker has created a queue for fails, rather than dropping the job", async () => {
    const { lines, outcome } = await captureStderr(() => enqueue("test.never-defined", {}));
    expect(outcome.status).toBe("rejected");
    expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/no job queue named "test.never-defined"/);
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([{ level: "error", message: "jobs.enqueue_failed", job: "test.never-defined" }]);
  });

  test("a failing job is logged by name and id, never its data, and marked failed once its retries are spent", async () => {
    const refusing = defineJob({
      name: "test.refused",
      options: { retryLimit: 0 },
      run: async () => {
        throw new Error("the payment provider refused the request");
      },
    });
    const worker = await startWorker([refusing]);
    const { lines, outcome } = await captureStderr(async () => {
      const id = await enqueue("test.refused", { phone: "+254700000001" });
      await finished(id!, "failed");
      return id;
    });
    await worker.stop();
    const id = (outcome as PromiseFulfilledResult<string>).value;
    const logged = lines.map((l) => JSON.parse(l));
    expect(logged).toMatchObject([{ message: "job.failed", job: "test.refused", jobId: id, attempt: 1, error: "the payment provider refused the request" }]);
    expect(lines.join("")).not.toContain("+254700000001");
  });

  test("a scheduled job's cron is registered, and dropped when the job no longer has one", async () => {
    const nightly = recordingJob("test.nightly");
    await (await startWorker([{ ...nightly.job, schedule: "0 3 * * *" }])).stop();
    const scheduled = await owner.query("SELECT name, cron, timezone FROM pgboss.schedule");
    expect(scheduled.rows).toEqual([{ name: "test.nightly", cron: "0 3 * * *", timezone: "UTC" }]);

    await (await startWorker([nightly.job])).stop();
    expect((await owner.query("SELECT name FROM pgboss.schedule")).rows).toEqual([]);
  });

  test("stopping the worker lets a job in flight finish", async () => {
    const started = deferred();
    const released = deferred();
    const slow = defineJob({
      name: "test.slow",
      run: async () => {
        started.resolve();
        await released.promise;
      },
    });
    const worker = await startWorker([slow]);
    const id = await enqueue("test.slow", {});
    await started.promise;
    const stopping = worker.stop(20_000);
    released.resolve();
    await stopping;
    expect(await jobState(id!)).toBe("completed");
  });

  test("two jobs of one name are refused before the worker starts", async () => {
    const echo = recordingJob("test.twice");
    await expect(startWorker([echo.job, echo.job])).rejects.toThrow(/jobs defined twice: test.twice/);
  });

  test("a job name must be dotted lowercase words, which keeps it apart from pg-boss's own queues", () => {
    expect(() => defineJob({ name: "__pgboss__send-it", run: async () => undefined })).toThrow(/dotted lowercase words/);
    expect(defineJob({ name: "mpesa.reconcile", run: async () => undefined }).name).toBe("mpesa.reconcile");
  });
});

test("migrate run again changes nothing: the same job schema, grants, queues and jobs", async () => {
  const state = async () => ({
    version: (await owner.query("SELECT version FROM pgboss.version")).rows,
    queues: (await owner.query("SELECT name, policy FROM pgboss.queue ORDER BY name")).rows,
    jobs: (await owner.query("SELECT id, state FROM pgboss.job ORDER BY id")).rows,
    grants: await securitySnapshot("pgboss"),
    elsewhere: await securitySnapshot("outside pgboss"),
  });
  const before = await state();
  expect(before.queues.length).toBeGreaterThan(0);
  await migrate(ownerUrl);
  expect(await state()).toEqual(before);
});

describe("npm run worker", () => {
  function runWorker(databaseUrl: string) {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { child, exit, output: () => ({ stdout, stderr }) };
  }

  test("exits 1 with one line asking for npm run migrate when the job schema is missing", async () => {
    const worker = runWorker(await createDatabase("jobs_unmigrated"));
    expect(await worker.exit).toBe(1);
    expect(worker.output().stderr).toBe('worker: the job schema "pgboss" is missing or out of date: run npm run migrate\n');
  });

  test("exits 1 with one line when the database cannot be reached", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const url = new URL(ownerUrl);
    url.port = String(port);

    const worker = runWorker(url.href);
    expect(await worker.exit).toBe(1);
    expect(worker.output().stderr).toMatch(/^worker: cannot reach the database: .*ECONNREFUSED.*\n$/);
  });

  test("starts, and stops cleanly on SIGTERM", async () => {
    const worker = runWorker(ownerUrl);
    await until("the worker to start", async () => worker.output().stdout.includes('"worker.started"'));
    worker.child.kill("SIGTERM");
    expect(await worker.exit).toBe(0);
    expect(worker.output().stdout).toContain('"worker.stopped"');
    expect(worker.output().stderr).toBe("");
  });
});
