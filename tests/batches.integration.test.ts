import { spawn, execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import writeXlsxFile from "write-excel-file/node";
import { readBatchRecords, readBatchRows } from "@/lib/batches/read-rows";
import { readXlsxRecords } from "@/lib/batches/read-xlsx";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { runBatchImport } from "@/lib/jobs/batch-imports";
import { stopQueue } from "@/lib/jobs/queue";
import { purgeExpiredBatches } from "@/lib/jobs/batch-purge";
import { batchProgress, batchReportRows, getBatch } from "@/lib/queries/batches";
import { listBeneficiaries } from "@/lib/queries/beneficiaries";
import { discardBatch, importBatchChunk, processBatch, setRetention, uploadBatch } from "@/lib/services/batches";
import { storageRoot } from "@/lib/storage";
import { beneficiaryFile, beneficiaryRows, toCsv } from "@/prisma/seed-batches";
import { connectAs } from "./support/database";
import { createUnitOrganization, type UnitOrganization } from "./support/units";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");

let ngo: UnitOrganization;
let ikeja: string;
let agege: string;
let prefix = 30000;
const nextPrefix = () => prefix++;

beforeAll(async () => {
  ngo = await createUnitOrganization("batches");
  ikeja = ngo.seeded.locations["Food Relief/Ikeja"]!;
  agege = ngo.seeded.locations["Food Relief/Agege"]!;
});
afterAll(async () => {
  await stopQueue();
  await disconnectAll();
});

const upload = (csv: string | Buffer, locationId = ikeja, who = "location-admin") =>
  uploadBatch(ngo.people[who]!, { locationId, fileName: "people.csv", body: Buffer.isBuffer(csv) ? csv : Buffer.from(csv) });

/** Processes a queued batch as the worker would, without the queue. */
async function process(id: string) {
  await withTenant(ngo.id, (tx) => tx.beneficiaryBatch.update({ where: { id }, data: { status: "QUEUED" } }));
  await runBatchImport({ batchId: id, organizationId: ngo.id });
}

async function duplicateIndexes(): Promise<number> {
  const owner = await connectAs("owner");
  try {
    const { rows } = await owner.query(
      `SELECT count(*)::int AS n FROM (SELECT nin_index FROM beneficiary WHERE organization_id = $1 AND nin_index IS NOT NULL GROUP BY nin_index HAVING count(*) > 1) d`,
      [ngo.id],
    );
    return rows[0].n as number;
  } finally {
    await owner.end();
  }
}

describe("[M6.6] bad input gets a clear report and imports nothing it should not", () => {
  test("a wrong header is refused before anything is stored", async () => {
    const csv = toCsv(beneficiaryRows(3, { prefix: nextPrefix() }), ["name", "surname", "size", "nin", "bvn", "phone", "dob"]);
    await expect(upload(csv)).rejects.toMatchObject({ code: "INVALID", message: expect.stringContaining("header row must be exactly") });
  });

  test("an empty file and a header-only file are refused", async () => {
    await expect(upload("")).rejects.toMatchObject({ code: "INVALID", message: expect.stringContaining("empty") });
    await expect(upload(toCsv([]))).rejects.toMatchObject({ code: "INVALID", message: expect.stringContaining("no rows") });
  });

  test("a ZIP renamed .csv and an HTML page renamed .csv are refused by content", async () => {
    const zip = Buffer.from("504b0304140000000800000021000000000000000000000000000800000066696c652e637376", "hex");
    await expect(upload(zip)).rejects.toMatchObject({ code: "INVALID", message: expect.stringContaining("ZIP") });
    await expect(upload("<!DOCTYPE html><html><script>alert(1)</script></html>")).rejects.toMatchObject({ code: "INVALID", message: expect.stringContaining("web page") });
  });

  test("a UTF-8 BOM and a Windows-1252 file are read, names intact", async () => {
    const rows = beneficiaryRows(2, { prefix: nextPrefix(), firstNames: ["Zoë", "José"] });
    const bom = await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(toCsv(rows))]));
    expect(bom).toMatchObject({ received: 2, valid: 2, rejected: 0 });
    const cp1252 = Buffer.from(toCsv(beneficiaryRows(2, { prefix: nextPrefix(), firstNames: ["Zoë", "José"] })), "latin1");
    expect(cp1252.includes(0xeb)).toBe(true);
    const latin = await upload(cp1252);
    expect(latin).toMatchObject({ received: 2, valid: 2 });
    await process(latin.id);
    const names = (await listBeneficiaries(ngo.people["location-admin"]!, { search: "José" })).map((b) => b.firstName);
    expect(names).toContain("José");
  });

  test("a file with 0 valid rows is reported, and cannot be processed", async () => {
    const rows = beneficiaryRows(5, { prefix: nextPrefix() }).map((r) => [...r.slice(0, 3), "1234567890", ...r.slice(4)]);
    const batch = await upload(toCsv(rows));
    expect(batch).toMatchObject({ received: 5, valid: 0, rejected: 5 });
    const report = await batchReportRows(ngo.people["location-admin"]!, batch.id);
    expect(report.map((r) => r.errors)).toEqual(Array(5).fill("nin: NIN must be 11 digits"));
  });

  test("a NIN with spaces or dashes is normalised; 10 digits is rejected", async () => {
    const p = nextPrefix();
    const rows = beneficiaryRows(2, { prefix: p });
    rows[0]![3] = `${p}0-00 00-0`.replace(/^(\d{2})/, "$1 ");
    rows[1]![3] = `${p}00000`;
    const batch = await upload(toCsv(rows));
    expect(batch).toMatchObject({ valid: 1, rejected: 1 });
    const [rejected] = await batchReportRows(ngo.people["location-admin"]!, batch.id);
    expect(rejected).toMatchObject({ rowNumber: 3, errors: "nin: NIN must be 11 digits" });
  });

  test("the same file twice: every row of the second is a duplicate", async () => {
    const file = beneficiaryFile(40, { prefix: nextPrefix() });
    const first = await upload(file.csv);
    await process(first.id);
    expect((await getBatch(ngo.people["location-admin"]!, first.id)).imported).toBe(40);
    const second = await upload(file.csv);
    expect(second).toMatchObject({ received: 40, valid: 0, duplicate: 40 });
  });

  test("two uploads of the same people at once make no duplicate beneficiary", async () => {
    const file = beneficiaryFile(300, { prefix: nextPrefix() });
    const [a, b] = await Promise.all([upload(file.csv), upload(file.csv, agege, "admin")]);
    await Promise.all([process(a.id), process(b.id)]);
    const [batchA, batchB] = await Promise.all([getBatch(ngo.people.admin!, a.id), getBatch(ngo.people.admin!, b.id)]);
    expect(batchA.imported + batchB.imported).toBe(300);
    expect(batchA.duplicate + batchB.duplicate).toBe(300);
    expect(await duplicateIndexes()).toBe(0);
  });

  test("a location admin cannot upload for another location (not found)", async () => {
    await expect(upload(beneficiaryFile(2, { prefix: nextPrefix() }).csv, agege)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("[P6] processing", () => {
  test("[P6] 2,000 rows with 50 bad: 1,950 imported in chunks into the location, the report lists the 50", async () => {
    const admin = ngo.people["location-admin"]!;
    const file = beneficiaryFile(2000, { prefix: nextPrefix(), bad: 50 });
    const batch = await upload(file.csv);
    expect(batch).toMatchObject({ received: 2000, valid: 1950, rejected: 50, duplicate: 0 });
    expect(await batchReportRows(admin, batch.id)).toHaveLength(50);
    await process(batch.id);
    const done = await getBatch(admin, batch.id);
    expect(done).toMatchObject({ status: "PROCESSED", imported: 1950, done: 1950, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await batchProgress(admin, batch.id)).toMatchObject({ percent: 100 });
    const counts = await withTenant(ngo.id, (tx) => tx.beneficiary.groupBy({ by: ["locationId"], where: { batchRowId: { not: null }, location: { id: ikeja } }, _count: true }));
    expect(counts.length).toBe(1);
    // a chunk re-run after the batch finished imports nothing
    expect(await importBatchChunk(ngo.people["location-admin"]!, { id: batch.id })).toMatchObject({ finished: true, imported: 0 });
  });

  test("[P6] an Excel workbook reads as its CSV would: NINs and BVNs typed as numbers stay 11 digits, date cells are dates", async () => {
    const admin = ngo.people["location-admin"]!;
    const rows = beneficiaryRows(40, { prefix: nextPrefix(), bad: 4 });
    const header = ["first_name", "last_name", "household_size", "nin", "bvn", "phone", "date_of_birth"];
    // As a spreadsheet holds them: digits as numbers (those with a leading zero as text, which a number
    // cell would lose: such a row is rejected, never padded), real dates as date cells, the rest as typed.
    const cell = (value: string, column: number) => {
      if (/^[1-9]\d*$/.test(value) && column !== 5) return { value: Number(value), type: Number };
      const date = new Date(`${value}T00:00:00Z`);
      if (column === 6 && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)) return { value: date, type: Date, format: "yyyy-mm-dd" };
      return { value, type: String };
    };
    const xlsx = await writeXlsxFile([header.map((h) => ({ value: h, type: String })), ...rows.map((r) => r.map(cell))]).toBuffer();
    expect(readBatchRecords(await readXlsxRecords(xlsx))).toEqual(readBatchRows(toCsv(rows)));

    const batch = await uploadBatch(admin, { locationId: ikeja, fileName: "people.xlsx", body: xlsx });
    expect(batch).toMatchObject({ received: 40, valid: 36, rejected: 4, duplicate: 0 });
    await process(batch.id);
    expect(await getBatch(admin, batch.id)).toMatchObject({ status: "PROCESSED", imported: 36 });
  });

  test("[P6] kill -9 of the worker at about 50 %, restart: exactly the valid rows, no duplicate blind index", async () => {
    const admin = ngo.people["location-admin"]!;
    const file = beneficiaryFile(6000, { prefix: nextPrefix(), bad: 60 });
    const batch = await upload(file.csv);
    expect(batch.valid).toBe(5940);
    const workerEnv = { ...globalThis.process.env, DATABASE_URL: globalThis.process.env.DATABASE_URL! };
    const startWorker = () => spawn(globalThis.process.execPath, ["--import", "tsx", "scripts/worker.ts"], { cwd: ROOT, env: workerEnv, stdio: "ignore" });
    const state = () => withTenant(ngo.id, (tx) => tx.beneficiaryBatch.findUniqueOrThrow({ where: { id: batch.id }, select: { done: true, status: true, imported: true } }));

    const first = startWorker();
    const firstExit = new Promise((resolve) => first.once("exit", (_code, signal) => resolve(signal)));
    // The worker creates the queue when it starts: wait for it, then ask for processing as the page does.
    const db = await connectAs("owner");
    try {
      for (let waited = 0; (await db.query("SELECT 1 FROM pgboss.queue WHERE name = 'batches.process'")).rowCount === 0; waited += 200) {
        if (waited > 60_000) throw new Error("the worker did not start");
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await db.end();
    }
    await processBatch(admin, { id: batch.id });
    let killedAt = 0;
    for (;;) {
      const s = await state();
      if (s.done >= 2400) {
        first.kill("SIGKILL");
        killedAt = s.done;
        break;
      }
      expect(s.status).not.toBe("PROCESSED");
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await firstExit).toBe("SIGKILL");
    const afterKill = await state();
    expect(afterKill.status).toBe("PROCESSING");
    expect(afterKill.done).toBeLessThan(5940);
    expect(killedAt).toBeGreaterThan(0);

    const second = startWorker();
    try {
      for (let waited = 0; (await state()).status !== "PROCESSED"; waited += 500) {
        if (waited > 240_000) throw new Error("the restarted worker did not finish the batch");
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      second.kill("SIGTERM");
      await new Promise((resolve) => second.once("exit", resolve));
    }
    const final = await state();
    expect(final).toMatchObject({ status: "PROCESSED", imported: 5940, done: 5940 });
    const rowIds = await withTenant(ngo.id, (tx) => tx.beneficiaryBatchRow.findMany({ where: { batchId: batch.id }, select: { id: true } }));
    const imported = await withTenant(ngo.id, (tx) => tx.beneficiary.count({ where: { batchRowId: { in: rowIds.map((r) => r.id) } } }));
    expect(imported).toBe(5940);
    expect(await duplicateIndexes()).toBe(0);
  }, 300_000);
});

describe("[M11.1] [M11.2] retention purge", () => {
  test("[M11.1] [M11.2] on day 8 the raw file, staged rows and identifiers are gone; counts, checksum and the audit chain remain", async () => {
    const owner = ngo.actors.OWNER;
    await expect(setRetention(owner, { piiRetentionDays: 0 })).rejects.toMatchObject({ code: "INVALID" });
    await expect(setRetention(ngo.people.admin!, { piiRetentionDays: 7, purgeIdentifiers: true })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await setRetention(owner, { piiRetentionDays: 7, purgeIdentifiers: true });
    const admin = ngo.people["location-admin"]!;
    const batch = await upload(beneficiaryFile(30, { prefix: nextPrefix(), bad: 3 }).csv);
    await process(batch.id);
    const processed = await getBatch(admin, batch.id);
    const file = path.join(storageRoot({ STORAGE_DIR: globalThis.process.env.STORAGE_DIR }), ...`${ngo.id}/${processed.programId}/batches/${batch.id}`.split("/"));
    expect(existsSync(file)).toBe(true);

    const day7 = new Date(processed.processedAt!.getTime() + 7 * 86_400_000 - 60_000);
    await purgeExpiredBatches(day7);
    expect(existsSync(file)).toBe(true);
    expect((await getBatch(admin, batch.id)).purgedAt).toBeNull();

    const day8 = new Date(processed.processedAt!.getTime() + 8 * 86_400_000);
    await purgeExpiredBatches(day8);
    expect(existsSync(file)).toBe(false);
    const db = await connectAs("owner");
    try {
      const rows = await db.query("SELECT count(*)::int AS n FROM beneficiary_batch_row WHERE batch_id = $1", [batch.id]);
      expect(rows.rows[0].n).toBe(0);
      const ids = await db.query(
        `SELECT count(*)::int AS n, count(nin)::int AS nin, count(nin_index)::int AS nin_index, count(bvn)::int AS bvn, count(bvn_index)::int AS bvn_index,
                count(phone)::int AS phone, count(phone_index)::int AS phone_index
           FROM beneficiary WHERE organization_id = $1 AND created_at >= $2 AND first_name IS NOT NULL AND batch_row_id IS NOT NULL
            AND batch_row_id NOT IN (SELECT id FROM beneficiary_batch_row)`,
        [ngo.id, processed.processingStartedAt],
      );
      expect(ids.rows[0]).toMatchObject({ nin: 0, nin_index: 0, bvn: 0, bvn_index: 0, phone: 0, phone_index: 0 });
      expect(ids.rows[0].n).toBeGreaterThanOrEqual(27);
    } finally {
      await db.end();
    }
    const kept = await getBatch(admin, batch.id);
    expect(kept).toMatchObject({ status: "PROCESSED", received: 30, valid: 27, rejected: 3, imported: 27, sha256: processed.sha256, purgedAt: expect.any(Date) });
    // a second run finds nothing left to purge
    expect(await purgeExpiredBatches(day8)).toBe(0);

    const { stdout } = await run("npx", ["tsx", "scripts/audit-verify.ts", "--org", ngo.slug], { cwd: ROOT, env: { ...globalThis.process.env, AUDIT_VERIFY_DATABASE_URL: env().platformDatabaseUrl } });
    expect(stdout).toMatch(/ok|verified/i);
  }, 120_000);

  test("discarding a batch deletes its staged rows and its raw file at once", async () => {
    const admin = ngo.people["location-admin"]!;
    const batch = await upload(beneficiaryFile(5, { prefix: nextPrefix() }).csv);
    const { programId } = await getBatch(admin, batch.id);
    const file = path.join(storageRoot({ STORAGE_DIR: globalThis.process.env.STORAGE_DIR }), ngo.id, programId, "batches", batch.id);
    expect(existsSync(file)).toBe(true);
    await discardBatch(admin, { id: batch.id });
    expect(existsSync(file)).toBe(false);
    expect(await getBatch(admin, batch.id)).toMatchObject({ status: "DISCARDED", received: 5 });
    expect(await batchReportRows(admin, batch.id)).toEqual([]);
  });
});
