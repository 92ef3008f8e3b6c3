/**
 * `npm run bench:audit` — what the audit trail costs (promises M5.3, M5.4),
 * each figure beside a peer measured in the same run:
 *
 *  1. appends/s with 32 concurrent writers in one organisation, and spread
 *     over 32 organisations, beside the same number of bare single-row inserts
 *     (same writers, same tenant transaction, no lock, no chain);
 *  2. verification of a 1,000,000-entry chain (`npm run audit:verify`'s code)
 *     in entries/s, beside the verifier it replaced (one thread, keyset
 *     batches), a bare COPY of the same columns and a count(*);
 *  3. peak RSS of exporting 1,000,000 entries as CSV in a fresh process that
 *     holds Prisma, as the server does: now (the route's code: the entry
 *     recorded, then the CSV piped from its streaming child, whose own peak is
 *     sampled too) beside before (the same stream read inside that process),
 *     each beside exporting 10,000, and where the baseline goes (bare tsx,
 *     Prisma imported, Prisma queried).
 *
 * Runs on a fresh embedded PostgreSQL it starts and removes itself.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { withBenchDatabase } from "./bench-database";

const WRITERS = 32;
const APPENDS_PER_WRITER = 40;
const CHAIN = 1_000_000;
const SMALL_CHAIN = 10_000;
const self = fileURLToPath(import.meta.url);

async function main() {
  await withBenchDatabase(async (ownerUrl) => {
    const appends = await benchAppends(ownerUrl);
    const { verify, exports } = await benchChain(ownerUrl);
    print(appends, verify, exports);
  });
}

type Rate = { count: number; seconds: number; perSecond: number };

async function benchAppends(ownerUrl: string): Promise<Record<"oneOrg" | "spread" | "bare", Rate>> {
  // Imported after the environment is set: the clients read it once.
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("../lib/db/generated/client");
  const { swapAppDb } = await import("../lib/db/clients");
  const { withTenant } = await import("../lib/db/tenant");
  const { appendAudit } = await import("../lib/audit/append");
  const { createOrganization } = await import("../lib/services/organizations");
  const { env } = await import("../lib/env");

  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  // The peer: a table shaped like audit_entry, with no lock, no chain, no triggers, no RLS.
  await owner.query("CREATE TABLE bench_bare (LIKE audit_entry INCLUDING DEFAULTS)");
  await owner.query("GRANT SELECT, INSERT ON bench_bare TO harambee_app");
  await owner.end();

  const system = (await import("../lib/authz/actor")).platformSystemActor("bench", ["platform:provision"]);
  const orgs: string[] = [];
  for (let i = 0; i < WRITERS; i++) orgs.push((await createOrganization(system, { slug: `append-${i}`, name: `Append ${i}`, kind: "CLUB" })).id);

  // One connection per writer, so all 32 transactions are in the database at once.
  const wide = new PrismaClient({ adapter: new PrismaPg({ connectionString: env().appDatabaseUrl, max: WRITERS }) });
  swapAppDb(wide);
  const record = (writer: number) => ({ action: "bench.append", summary: `Writer ${writer}`, targetType: "Bench", targetId: randomUUID(), after: { writer } });
  const actor = (writer: number) => ({ id: null, label: `writer-${writer}@bench.test`, ip: "203.0.113.9" });

  async function rate(one: (writer: number) => Promise<unknown>): Promise<Rate> {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        for (let i = 0; i < APPENDS_PER_WRITER; i++) await one(writer);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const count = WRITERS * APPENDS_PER_WRITER;
    return { count, seconds, perSecond: count / seconds };
  }

  try {
    // Open all 32 connections before anything is timed, so no figure pays for connecting.
    await Promise.all(Array.from({ length: WRITERS }, () => withTenant(orgs[0], (tx) => tx.$executeRaw`SELECT pg_sleep(0.2)`)));
    const bare = await rate((writer) =>
      withTenant(orgs[0], async (tx) => {
        const r = record(writer);
        const a = actor(writer);
        await tx.$executeRaw`INSERT INTO bench_bare (id, organization_id, seq, at, actor_label, ip, action, summary, target_type, target_id, after, prev_hash, hash)
          VALUES (${randomUUID()}::uuid, ${orgs[0]}::uuid, 1, now(), ${a.label}, ${a.ip}, ${r.action}, ${r.summary}, ${r.targetType}, ${r.targetId}, ${JSON.stringify(r.after)}::jsonb, '', '')`;
      }),
    );
    const oneOrg = await rate((writer) => withTenant(orgs[0], (tx) => appendAudit(tx, orgs[0], actor(writer), record(writer))));
    const spread = await rate((writer) => withTenant(orgs[writer], (tx) => appendAudit(tx, orgs[writer], actor(writer), record(writer))));
    return { oneOrg, spread, bare };
  } finally {
    swapAppDb(undefined);
    await wide.$disconnect();
  }
}

/**
 * Fills a chain straight into the table as the owner, hashes computed here
 * exactly as `appendAudit` computes them, 10,000 rows per INSERT … unnest.
 */
async function fillChain(owner: pg.Client, organizationId: string, entries: number) {
  const { entryHash } = await import("../lib/audit/canonical");
  const { env } = await import("../lib/env");
  const { currentKeyId, keys } = env().auditKeys;
  const key = keys.get(currentKeyId)!;
  const { rows } = await owner.query<{ seq: string; hash: string }>(
    "SELECT seq::text AS seq, hash FROM audit_entry WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1",
    [organizationId],
  );
  let prevHash = rows[0].hash;
  let seq = BigInt(rows[0].seq);
  const start = Date.now() - entries * 1000;
  for (let done = 0; done < entries; ) {
    const n = Math.min(10_000, entries - done);
    const cols: unknown[][] = Array.from({ length: 15 }, () => []);
    for (let i = 0; i < n; i++) {
      seq += 1n;
      const k = Number(seq);
      const entry = {
        organizationId,
        seq,
        at: new Date(start + k * 1000),
        actorId: null,
        actorLabel: `treasurer-${k % 7}@bench.test`,
        ip: `203.0.113.${k % 250}`,
        action: k % 3 ? "member.update" : "mpesa_payment.record",
        summary: k % 3 ? "Member details edited" : "M-Pesa payment recorded",
        targetType: k % 3 ? "Member" : "MpesaPayment",
        targetId: randomUUID(),
        before: k % 3 ? { status: "ACTIVE", phone: "[redacted]" } : null,
        after: k % 3 ? { status: "ARCHIVED", phone: "[changed]" } : { amountMinor: 150_000 + k, phone: "[set]" },
      };
      const hash = entryHash(key, prevHash, entry);
      const before = entry.before ? JSON.stringify(entry.before) : null;
      const values = [randomUUID(), organizationId, seq.toString(), entry.at, entry.actorLabel, entry.ip, entry.action, entry.summary, entry.targetType, entry.targetId, before, JSON.stringify(entry.after), prevHash, hash, currentKeyId];
      values.forEach((v, c) => cols[c].push(v));
      prevHash = hash;
    }
    await owner.query(
      `INSERT INTO audit_entry (id, organization_id, seq, at, actor_label, ip, action, summary, target_type, target_id, before, after, prev_hash, hash, key_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::jsonb[], $13::text[], $14::text[], $15::text[])`,
      cols,
    );
    done += n;
  }
}

type Verify = {
  entries: number;
  /** Before this issue: one thread, keyset batches of decoded rows (verifyChain + chainReader). */
  keysetSeconds: number;
  /** Now: `npm run audit:verify`'s code, seq ranges in worker threads, COPY windows. */
  seconds: number;
  /** Peers: count(*) of the chain, and a bare COPY of the same columns, bytes dropped. */
  countSeconds: number;
  copySeconds: number;
  verdict: string;
  ranges: number;
};
type ExportRss = { entries: number; maxRssMb: number; seconds: number; startRssMb: number; childMaxRssMb?: number };
type Exports = { beforeBig: ExportRss; beforeSmall: ExportRss; nowBig: ExportRss; nowSmall: ExportRss; baseline: Record<string, number> };

const seconds = async (fn: () => Promise<unknown>) => {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
};

async function benchChain(ownerUrl: string): Promise<{ verify: Verify; exports: Exports }> {
  const { createOrganization } = await import("../lib/services/organizations");
  const { chainReader, verifyChains } = await import("./lib/audit-chains");
  const { verifyChain } = await import("../lib/audit/verify");
  const { to: copyTo } = await import("pg-copy-streams");
  const { env } = await import("../lib/env");
  const { objectStore } = await import("../lib/storage");
  const os = await import("node:os");
  const system = (await import("../lib/authz/actor")).platformSystemActor("bench", ["platform:provision"]);
  const big = await createOrganization(system, { slug: "chain-big", name: "Chain big", kind: "CLUB" });
  const small = await createOrganization(system, { slug: "chain-small", name: "Chain small", kind: "CLUB" });
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    const filling = performance.now();
    await fillChain(owner, big.id, CHAIN - 1);
    await fillChain(owner, small.id, SMALL_CHAIN - 1);
    await owner.query("VACUUM ANALYZE audit_entry");
    console.log(`filled ${(CHAIN + SMALL_CHAIN).toLocaleString("en")} entries in ${((performance.now() - filling) / 1000).toFixed(1)} s`);

    const keys = env().auditKeys.keys;
    const countSeconds = await seconds(() => owner.query("SELECT count(*) FROM audit_entry WHERE organization_id = $1", [big.id]));
    const copySeconds = await seconds(async () => {
      const stream = owner.query(
        copyTo(`COPY (SELECT seq, at, actor_id, actor_label, ip, action, summary, target_type, target_id, before, after, prev_hash, hash, key_id
                        FROM audit_entry WHERE organization_id = '${big.id}' ORDER BY seq) TO STDOUT`),
      );
      for await (const chunk of stream) void chunk;
    });
    let keysetVerdict = "";
    const keysetSeconds = await seconds(async () => {
      const verdict = await verifyChain(chainReader(owner, big.id), { keys });
      keysetVerdict = verdict.ok ? `intact through #${verdict.head?.seq}` : "broken";
    });
    const checkpoints = { store: objectStore(), verifyKeys: env().checkpointVerifyKeys };
    let report = { ok: false, line: "" };
    const verifySeconds = await seconds(async () => {
      [report] = await verifyChains(env().platformDatabaseUrl, { slug: "chain-big", keys, checkpoints });
    });
    if (!report.ok || !report.line.includes(keysetVerdict)) throw new Error(`the generated chain does not verify: ${report.line} / ${keysetVerdict}`);
    const verify = { entries: CHAIN, keysetSeconds, seconds: verifySeconds, countSeconds, copySeconds, verdict: report.line, ranges: os.availableParallelism() };

    const baseline: Record<string, number> = {};
    for (const stage of ["tsx", "prisma-imported", "prisma-queried"]) baseline[stage] = (await child(["--rss", stage])).maxRssKb / 1024;
    // Each export records its own entry first (through the service, Prisma), so each holds one more row than the one before.
    const beforeBig = await exportInChild(big.id, CHAIN + 1, "before");
    const beforeSmall = await exportInChild(small.id, SMALL_CHAIN + 1, "before");
    const nowBig = await exportInChild(big.id, CHAIN + 2, "now");
    const nowSmall = await exportInChild(small.id, SMALL_CHAIN + 2, "now");
    return { verify, exports: { beforeBig, beforeSmall, nowBig, nowSmall, baseline } };
  } finally {
    await owner.end();
  }
}

type ChildReport = { rows: number; maxRssKb: number; seconds: number; startRssKb?: number; childMaxRssKb?: number };

async function child(args: string[]): Promise<ChildReport> {
  const { stdout } = await promisify(execFile)("npx", ["tsx", self, ...args], { env: process.env, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as ChildReport;
}

/** Runs the export in a fresh process (this file with --export) and reads its peak RSS. */
async function exportInChild(organizationId: string, expectedRows: number, mode: "before" | "now"): Promise<ExportRss> {
  const result = await child(["--export", organizationId, mode]);
  if (result.rows !== expectedRows) throw new Error(`exported ${result.rows} rows, expected ${expectedRows}`);
  const mb = (kb: number) => kb / 1024;
  return {
    entries: result.rows,
    maxRssMb: mb(result.maxRssKb),
    seconds: result.seconds,
    startRssMb: mb(result.startRssKb!),
    ...(result.childMaxRssKb ? { childMaxRssMb: mb(result.childMaxRssKb) } : {}),
  };
}

/**
 * The child: a server-like process (Prisma queried) records the export through the service, then
 * reads the CSV — now: the route's code, piped from its streaming child, whose peak RSS (VmHWM) is
 * sampled until it exits; before: the same batches read in this process, as the route did — bytes
 * counted and dropped.
 */
async function exportChild(organizationId: string, mode: string) {
  const { systemActor } = await import("../lib/authz/actor");
  const actor = systemActor(organizationId, "bench-export", ["audit:read"]);
  const { recordAuditExport } = await import("../lib/services/audit-exports");
  await recordAuditExport(actor, {});
  const startRssKb = process.memoryUsage.rss() / 1024;
  const started = performance.now();
  let childMaxRssKb = 0;
  let chunks: AsyncIterable<Uint8Array | string>;
  let sampler: NodeJS.Timeout | undefined;
  if (mode === "now") {
    const { reserveAuditCsv } = await import("../lib/queries/audit-csv");
    const body = await reserveAuditCsv(actor).start({});
    const { readFileSync } = await import("node:fs");
    const pid = Number(readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8").trim().split(/\s+/).at(-1));
    const sample = () => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        if (hwm) childMaxRssKb = Math.max(childMaxRssKb, Number(hwm[1]));
      } catch {
        // exited: the last sample stands
      }
    };
    sample();
    sampler = setInterval(sample, 100);
    chunks = body as unknown as AsyncIterable<Uint8Array>;
  } else {
    const { env } = await import("../lib/env");
    const { tenantReads } = await import("../lib/db/tenant-reads");
    const { auditCsvChunks } = await import("../lib/audit/csv-stream");
    chunks = auditCsvChunks(tenantReads(env().appDatabaseUrl), organizationId, {});
  }
  let lines = 0;
  for await (const chunk of chunks) {
    if (typeof chunk === "string") {
      for (let i = chunk.indexOf("\n"); i !== -1; i = chunk.indexOf("\n", i + 1)) lines += 1;
    } else {
      for (const byte of chunk) if (byte === 10) lines += 1;
    }
  }
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ rows: lines - 1, maxRssKb: process.resourceUsage().maxRSS, seconds, startRssKb, childMaxRssKb }));
  process.exit(0);
}

/** The child: where the baseline goes — a bare tsx process, with the Prisma client imported, and after its first query. */
async function rssChild(stage: string) {
  if (stage !== "tsx") {
    const { appDb } = await import("../lib/db/clients");
    if (stage === "prisma-queried") await appDb().$queryRaw`SELECT 1`;
  }
  console.log(JSON.stringify({ rows: 0, maxRssKb: process.resourceUsage().maxRSS, seconds: 0 }));
  process.exit(0);
}

function print(appends: Record<"oneOrg" | "spread" | "bare", Rate>, verify: Verify, exports: Exports) {
  const line = (label: string, r: Rate) =>
    `${label.padEnd(44)} ${String(r.count).padStart(6)} in ${r.seconds.toFixed(2).padStart(6)} s = ${r.perSecond.toFixed(0).padStart(6)}/s   ${(r.perSecond / appends.bare.perSecond).toFixed(2)}× bare`;
  console.log(`\nappends, ${WRITERS} concurrent writers (one connection each), ${APPENDS_PER_WRITER} each:`);
  console.log(line("bare single-row inserts (peer)", appends.bare));
  console.log(line("chained appends, all in 1 organisation", appends.oneOrg));
  console.log(line(`chained appends, 1 organisation per writer`, appends.spread));
  const per = (s: number) => `${s.toFixed(2).padStart(6)} s = ${(verify.entries / s).toFixed(0).padStart(7)} entries/s`;
  console.log(`\nverification of a ${verify.entries.toLocaleString("en")}-entry chain (${verify.ranges} cores):`);
  console.log(`  before: one thread, keyset batches of decoded rows   ${per(verify.keysetSeconds)}`);
  console.log(`  now: npm run audit:verify (seq ranges, COPY windows)  ${per(verify.seconds)}   ${(verify.keysetSeconds / verify.seconds).toFixed(2)}× faster`);
  console.log(`  peer: bare COPY of the same columns, bytes dropped    ${per(verify.copySeconds)}   verify / COPY = ${(verify.seconds / verify.copySeconds).toFixed(2)}×`);
  console.log(`  peer: SELECT count(*) of the chain                   ${verify.countSeconds.toFixed(2).padStart(6)} s`);
  console.log(`  ${verify.verdict}`);
  console.log(`\nCSV export, peak RSS (a server-like process: Prisma queried, the export recorded through the service):`);
  for (const [stage, mb] of Object.entries(exports.baseline)) console.log(`  baseline ${stage.padEnd(16)} ${mb.toFixed(0)} MB`);
  const rss = (label: string, e: ExportRss) =>
    console.log(
      `  ${label.padEnd(44)} ${e.entries.toLocaleString("en").padStart(10)} entries in ${e.seconds.toFixed(1).padStart(5)} s: server ${e.startRssMb.toFixed(0)} → peak ${e.maxRssMb.toFixed(0)} MB` +
        (e.childMaxRssMb ? `, streaming child peak ${e.childMaxRssMb.toFixed(0)} MB` : ""),
    );
  rss("before: the stream read in the server", exports.beforeBig);
  rss("before (peer: 100× fewer)", exports.beforeSmall);
  rss("now: piped from the streaming child", exports.nowBig);
  rss("now (peer: 100× fewer)", exports.nowSmall);
}

const at = process.argv.indexOf("--export");
const rssAt = process.argv.indexOf("--rss");
void (at !== -1 ? exportChild(process.argv[at + 1], process.argv[at + 2]) : rssAt !== -1 ? rssChild(process.argv[rssAt + 1]) : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
