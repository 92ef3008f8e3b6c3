/**
 * `npm run bench:write` — the write path beside the database's own speed, in
 * one run on one fresh embedded PostgreSQL (issue #11). Every row writes one
 * donor row (same table, indexes, foreign key and CHECKs), each adding one
 * layer to the row above it:
 *
 *   pgbench        the server's own limit: a one-row INSERT script, -n, C client
 *   raw pg         the same INSERT from Node over `pg`, one connection per client
 *   Prisma create  the ORM, no transaction (owner role, ciphertext-shaped values)
 *   tenant tx      `withTenant` + `tx.donor.create`: app role, RLS, encryption, no audit
 *   defineMutation `createDonor`: the above plus the audit entry, over as many
 *                  organisations as clients, and all in one organisation
 *
 * at 1, 8 and 32 clients, BENCH_ROUNDS rounds (default 3) of BENCH_CELL_SECONDS
 * (default 2) per cell, the median of each cell and its ratio to pgbench's. Then a profile of one mutation at a time (every
 * statement it sends, timed), the pool size, `synchronous_commit` and the
 * server's settings. Afterwards every chain is checked: no forks, no gaps, and
 * `npm run audit:verify`'s code passes; the script fails otherwise.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { withBenchDatabase } from "./bench-database";
import { ratePerSecond, timeRuns } from "./lib/bench-timing";

const CLIENTS = [1, 8, 32] as const;
const CELL_SECONDS = Number(process.env.BENCH_CELL_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PGBENCH = process.env.PGBENCH ?? "/usr/lib/postgresql/15/bin/pgbench";
const PROFILED = 200;

type Row = { label: string; rates: number[] };

async function main() {
  await withBenchDatabase(async (ownerUrl) => {
    const started = performance.now();
    const load = os.loadavg()[0];
    const bench = await setUp(ownerUrl);
    // The machine is shared and its load moves by the second: every column is
    // measured ROUNDS times, the layers taking turns (reversed each round), and
    // each cell reports its median, so the ratios compare like with like.
    const samples = bench.layers.map(() => CLIENTS.map(() => [] as number[]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [c, clients] of CLIENTS.entries()) {
        const order = bench.layers.map((_, i) => i);
        if ((round + c) % 2) order.reverse();
        for (const i of order) samples[i][c].push(await bench.layers[i].rate(clients));
      }
      console.error(`round ${round + 1} of ${ROUNDS} measured`);
    }
    const rows = bench.layers.map((layer, i) => ({ label: layer.label, rates: samples[i].map(median) }));
    const profile = await bench.profile();
    const chains = await bench.check();
    await bench.close();
    printTable(rows, load);
    console.log(profile);
    console.log(chains);
    console.log(`\nwhole run ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${load.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end (${os.cpus().length} cores, shared)`);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function setUp(ownerUrl: string) {
  // Imported after withBenchDatabase has set the environment: the clients read it once.
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("../lib/db/generated/client");
  const { connect, swapAppDb } = await import("../lib/db/clients");
  const { withTenant } = await import("../lib/db/tenant");
  const { createDonor } = await import("../lib/services/donors");
  const { createOrganization } = await import("../lib/services/organizations");
  const { platformSystemActor, systemActor } = await import("../lib/authz/actor");
  const { encryptField } = await import("../lib/crypto/cipher");
  const { env } = await import("../lib/env");

  const system = platformSystemActor("bench", ["platform:provision"]);
  const orgs: string[] = [];
  for (let i = 0; i < Math.max(...CLIENTS); i++) orgs.push((await createOrganization(system, { slug: `write-${i}`, name: `Write ${i}`, kind: "CLUB" })).id);
  const actors = orgs.map((org, i) => ({ ...systemActor(org, `writer-${i}@bench.test`, ["donations:write"]), ip: "203.0.113.9" }));
  const donor = (i: number) => ({ name: `Donor ${i} Wanjiru`, email: `donor-${i}@bench.test` });
  // What the ORM rows below encryption write: a value the name column's CHECK accepts.
  const ciphertext = encryptField(env().keyring, "Donor Wanjiru", { model: "Donor", field: "name", rowId: randomUUID() });

  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  const ownerDb = new PrismaClient({ adapter: new PrismaPg({ connectionString: ownerUrl, max: env().databasePoolSize }) });

  async function pgbench(clients: number, options: string[] = [], pgOptions = ""): Promise<number> {
    const script = path.join(os.tmpdir(), `bench-write-${process.pid}.sql`);
    writeFileSync(script, `INSERT INTO donor (id, organization_id, name) VALUES (gen_random_uuid(), '${orgs[0]}', '${ciphertext}');\n`);
    const url = new URL(ownerUrl);
    const { stdout } = await promisify(execFile)(
      PGBENCH,
      ["-n", "-c", String(clients), "-j", String(Math.min(clients, 4)), "-T", String(CELL_SECONDS), "-f", script, ...options],
      {
        env: {
          ...process.env,
          PGHOST: url.hostname,
          PGPORT: url.port,
          PGUSER: decodeURIComponent(url.username),
          PGPASSWORD: decodeURIComponent(url.password),
          PGDATABASE: url.pathname.slice(1),
          PGOPTIONS: pgOptions,
        },
      },
    );
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
    if (!tps) throw new Error(`pgbench said:\n${stdout}`);
    return Number(tps[1]);
  }

  async function rawPg(clients: number): Promise<number> {
    const conns = await Promise.all(
      Array.from({ length: clients }, async () => {
        const c = new pg.Client({ connectionString: ownerUrl });
        await c.connect();
        return c;
      }),
    );
    try {
      return await ratePerSecond(clients, CELL_SECONDS, (w) =>
        conns[w].query("INSERT INTO donor (id, organization_id, name) VALUES (gen_random_uuid(), $1, $2)", [orgs[0], ciphertext]),
      );
    } finally {
      await Promise.all(conns.map((c) => c.end()));
    }
  }

  /** Opens the pool's connections before timing, so no rate pays for connecting. */
  async function warm(fn: (w: number) => Promise<unknown>, clients: number) {
    await Promise.all(Array.from({ length: Math.max(clients, 8) }, (_, w) => fn(w % clients)));
  }

  const tenantInsert = (w: number, org: string) => withTenant(org, (tx) => tx.donor.create({ data: { organizationId: org, ...donor(w) }, select: { id: true } }));
  const mutation = (org: (w: number) => number) => (w: number) => createDonor(actors[org(w)], donor(w));

  const layers = [
    { label: "pgbench, one-row INSERT (peer)", rate: (clients: number) => pgbench(clients) },
    { label: "raw pg, one INSERT per client", rate: rawPg },
    {
      label: "Prisma create, no transaction",
      rate: async (clients: number) => {
        const one = () => ownerDb.donor.create({ data: { organizationId: orgs[0], name: ciphertext }, select: { id: true } });
        await warm(one, clients);
        return ratePerSecond(clients, CELL_SECONDS, one);
      },
    },
    {
      label: "tenant tx + encryption, no audit",
      rate: async (clients: number) => {
        const one = (w: number) => tenantInsert(w, orgs[w]);
        await warm(one, clients);
        return ratePerSecond(clients, CELL_SECONDS, one);
      },
    },
    {
      label: "defineMutation, 1 org per client",
      rate: async (clients: number) => {
        const one = mutation((w) => w);
        await warm(one, clients);
        return ratePerSecond(clients, CELL_SECONDS, one);
      },
    },
    {
      label: "defineMutation, all in 1 org",
      rate: async (clients: number) => {
        const one = mutation(() => 0);
        await warm(one, clients);
        return ratePerSecond(clients, CELL_SECONDS, one);
      },
    },
  ];

  /** Every statement one mutation sends, timed where pg sends and answers it. */
  async function statementsOf(fn: (i: number) => Promise<unknown>) {
    const seen = new Map<string, { count: number; ms: number }>();
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as string | { text: string };
      const text = (typeof config === "string" ? config : config.text).replace(/\s+/g, " ").slice(0, 70);
      const start = performance.now();
      const result = (query as (...a: unknown[]) => unknown).apply(this, args);
      const done = () => {
        const s = seen.get(text) ?? { count: 0, ms: 0 };
        s.count += 1;
        s.ms += performance.now() - start;
        seen.set(text, s);
      };
      if (result instanceof Promise) void result.then(done, done);
      return result;
    } as typeof query;
    let total = 0;
    try {
      const t0 = performance.now();
      for (let i = 0; i < PROFILED; i++) await fn(i);
      total = (performance.now() - t0) / PROFILED;
    } finally {
      pg.Client.prototype.query = query;
    }
    const lines = [...seen].map(([text, s]) => ({ text, perCall: s.ms / s.count, perMutation: s.count / PROFILED }));
    const inDb = lines.reduce((sum, l) => sum + l.perCall * l.perMutation, 0);
    const trips = lines.reduce((sum, l) => sum + l.perMutation, 0);
    return { lines, total, inDb, trips };
  }

  async function profile(): Promise<string> {
    const out: string[] = ["\nProfile: one at a time, every statement timed from send to answer (mean ms)"];
    for (const [label, fn] of [
      ["tenant tx + encryption, no audit", (i: number) => tenantInsert(i, orgs[1])],
      ["defineMutation (createDonor)", (i: number) => createDonor(actors[1], donor(i))],
    ] as const) {
      const p = await statementsOf(fn);
      out.push(`\n${label}: ${p.total.toFixed(2)} ms per call, ${p.trips.toFixed(1)} round trips, ${p.inDb.toFixed(2)} ms waiting on them, ${(p.total - p.inDb).toFixed(2)} ms in the process`);
      for (const l of p.lines) out.push(`  ${l.perMutation.toFixed(1)}× ${l.perCall.toFixed(3).padStart(7)} ms  ${l.text}`);
    }
    const latency = await timeRuns(async () => (await createDonor(actors[2], donor(0)), 1), { warmup: 20, iterations: 200 });
    out.push(`\ndefineMutation latency alone: p50 ${latency.p50.toFixed(2)} ms, p95 ${latency.p95.toFixed(2)} ms`);

    out.push(`\npgbench, 1 client: ${(await pgbench(1)).toFixed(0)}/s; with synchronous_commit=off: ${(await pgbench(1, [], "-c synchronous_commit=off")).toFixed(0)}/s`);
    out.push(`pgbench, 32 clients: ${(await pgbench(32)).toFixed(0)}/s; with synchronous_commit=off: ${(await pgbench(32, [], "-c synchronous_commit=off")).toFixed(0)}/s`);

    const pools: string[] = [];
    const current = swapAppDb(undefined);
    for (const size of [5, 10, 32]) {
      const client = connect(env().appDatabaseUrl, env().keyring, size);
      swapAppDb(client);
      const spread = mutation((w) => w);
      await warm(spread, 32);
      const oneOrg = await ratePerSecond(32, CELL_SECONDS, mutation(() => 0));
      pools.push(`pool ${size}: ${(await ratePerSecond(32, CELL_SECONDS, spread)).toFixed(0)}/s over 32 organisations, ${oneOrg.toFixed(0)}/s in one`);
      swapAppDb(undefined);
      await client.$disconnect();
    }
    swapAppDb(current);
    out.push(`\ndefineMutation, 32 clients, by app pool size (the app uses ${env().databasePoolSize}):\n  ${pools.join("\n  ")}`);

    // What a storm in one organisation costs the others: a neighbour's mutations, one at a time, meanwhile.
    let storming = true;
    const storm = ratePerSecond(32, CELL_SECONDS, mutation(() => 0)).finally(() => (storming = false));
    const latencies: number[] = [];
    while (storming) {
      const t0 = performance.now();
      await createDonor(actors[5], donor(0));
      latencies.push(performance.now() - t0);
    }
    const stormRate = await storm;
    latencies.sort((x, y) => x - y);
    out.push(
      `\nA neighbour's mutations while 32 writers fill one organisation (pool ${env().databasePoolSize}): storm ${stormRate.toFixed(0)}/s; neighbour p50 ${latencies[Math.floor(latencies.length / 2)].toFixed(1)} ms, p95 ${latencies[Math.floor(latencies.length * 0.95)].toFixed(1)} ms`,
    );

    const settings = await owner.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'commit_delay', 'shared_buffers', 'max_connections', 'wal_buffers', 'full_page_writes', 'max_wal_size') ORDER BY name`,
    );
    out.push(`server: ${settings.rows.map((s) => `${s.name}=${s.setting}${s.unit ?? ""}`).join(", ")}`);
    return out.join("\n");
  }

  /** No forks, no gaps, and the verifier passes, on every chain the run wrote. */
  async function check(): Promise<string> {
    const { verifyChains } = await import("./lib/audit-chains");
    const { objectStore } = await import("../lib/storage");
    const forks = await owner.query<{ forks: number; gaps: number; entries: number }>(
      `SELECT coalesce(sum(n - links), 0)::int AS forks, coalesce(sum(last - n), 0)::int AS gaps, coalesce(sum(n), 0)::int AS entries
         FROM (SELECT count(*) AS n, count(DISTINCT prev_hash) AS links, max(seq) AS last FROM audit_entry GROUP BY organization_id) c`,
    );
    const reports = await verifyChains(env().platformDatabaseUrl, {
      keys: env().auditKeys.keys,
      checkpoints: { store: objectStore(), verifyKeys: env().checkpointVerifyKeys },
    });
    const broken = reports.filter((r) => !r.ok);
    const { forks: f, gaps, entries } = forks.rows[0];
    if (f || gaps || broken.length) throw new Error(`chains broken: ${f} forks, ${gaps} gaps\n${broken.map((r) => r.line).join("\n")}`);
    return `\nchains after the run: ${entries.toLocaleString("en")} entries on ${reports.length} chains, 0 forks, 0 gaps; audit:verify passes on all`;
  }

  async function close() {
    await ownerDb.$disconnect();
    await owner.end();
  }

  return { layers, profile, check, close };
}

function printTable(rows: Row[], load: number) {
  const peer = rows[0].rates;
  console.log(`\nInserts per second, median of ${ROUNDS} rounds of ${CELL_SECONDS} s per cell (ratio to pgbench in the same column); load average ${load.toFixed(2)} on ${os.cpus().length} shared cores`);
  console.log(`${"".padEnd(36)}${CLIENTS.map((c) => `${c} client${c > 1 ? "s" : ""}`.padStart(20)).join("")}`);
  for (const row of rows) {
    const cells = row.rates.map((r, i) => `${r.toFixed(0)} (${((r / peer[i]) * 100).toFixed(1)}%)`.padStart(20));
    console.log(`${row.label.padEnd(36)}${cells.join("")}`);
  }
  const bare = rows.find((r) => r.label.startsWith("tenant tx"))!.rates;
  const oneOrg = rows.find((r) => r.label.endsWith("all in 1 org"))!.rates;
  const spread = rows.find((r) => r.label.endsWith("1 org per client"))!.rates;
  const last = CLIENTS.length - 1;
  console.log(`\ngoals at ${CLIENTS[last]} clients: defineMutation over ${CLIENTS[last]} organisations / pgbench = ${((spread[last] / peer[last]) * 100).toFixed(1)}% (goal ≥ 30%); in one organisation / bare tenant tx = ${((oneOrg[last] / bare[last]) * 100).toFixed(1)}% (goal ≥ 50%)`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
