import { mkdtemp, mkdir, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { GET } from "@/app/api/health/route";
import { health, MIGRATIONS_DIR } from "@/lib/queries/health";
import { startWorker } from "@/lib/jobs/worker";
import { connectAs } from "./support/database";

let owner: pg.Client;
beforeAll(async () => {
  owner = await connectAs("owner");
  await owner.query("DELETE FROM worker_heartbeat");
});
afterAll(async () => {
  await owner.end();
  await disconnectAll();
});

const get = async () => {
  const response = await GET(new Request("http://localhost/api/health"), undefined);
  return { status: response.status, body: (await response.json()) as unknown };
};

test("[M10.1] GET /api/health answers ok with the database up, the worker beating and no migration pending; a stopped worker is degraded", async () => {
  expect(await get()).toEqual({ status: 200, body: { status: "degraded", db: "ok", jobs: "none", migrations: "ok" } });

  const worker = await startWorker([]);
  expect(await get()).toEqual({ status: 200, body: { status: "ok", db: "ok", jobs: "ok", migrations: "ok" } });

  await worker.stop();
  expect(await get()).toEqual({ status: 200, body: { status: "degraded", db: "ok", jobs: "stopped", migrations: "ok" } });
});

test("[M10.1] a worker that died without stopping is degraded once its heartbeat is three intervals old", async () => {
  const worker = await startWorker([]);
  try {
    // What a killed worker leaves: a beat that is never renewed and no stop.
    await owner.query("UPDATE worker_heartbeat SET beat_at = now() - interval '46 seconds'");
    expect(await health()).toMatchObject({ status: "degraded", jobs: "stale" });
  } finally {
    await worker.stop();
  }
});

test("[M10.1] a migration folder this database has not finished is pending", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "harambee-migrations-"));
  for (const entry of await readdir(MIGRATIONS_DIR, { withFileTypes: true })) if (entry.isDirectory()) await mkdir(path.join(dir, entry.name));
  expect(await health(dir)).toMatchObject({ migrations: "ok" });
  await mkdir(path.join(dir, "29991231000000_from_the_future"));
  expect(await health(dir)).toMatchObject({ status: "degraded", migrations: "pending" });
});

test("[M10.1] GET /api/health answers 503 while a migration is pending: the code is ahead of its schema", async () => {
  await owner.query("UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations)");
  try {
    expect(await get()).toMatchObject({ status: 503, body: { status: "degraded", db: "ok", migrations: "pending" } });
  } finally {
    await owner.query("UPDATE _prisma_migrations SET rolled_back_at = NULL WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations)");
  }
});
