/**
 * `npm run bench:members-import` — what a members CSV import costs (promise P2).
 *
 * On a fresh embedded PostgreSQL, times a 5,000-row import end to end as the
 * treasurer: the upload read and checked (csv-parse, the member schema per
 * row, the duplicate lookup by blind index, the file staged encrypted), then
 * the commit (re-read, re-checked, one transaction of 500-row inserts with
 * one audit entry). Its peer, in the same run: the same 5,000 people added
 * one by one through `createMember` (one audited transaction each), the rate
 * a loop over the member form would get. Each into its own new club.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { withBenchDatabase } from "./bench-database";

const ROWS = 5_000;

async function main() {
  const storage = mkdtempSync(path.join(os.tmpdir(), "harambee-bench-storage-"));
  process.env.STORAGE_DIR = storage;
  try {
    await withBenchDatabase(run);
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
}

async function run() {
  // Imported after the environment is set: the clients read it once.
  const { memberActor, platformSystemActor } = await import("../lib/authz/actor");
  const { createOrganization, addPersonToOrganization } = await import("../lib/services/organizations");
  const { createMember } = await import("../lib/services/members");
  const { checkStagedImport, commitMemberImport, previewMemberImport } = await import("../lib/services/member-imports");
  const { MEMBER_CSV_COLUMNS } = await import("../lib/members/csv");

  const system = platformSystemActor("bench", ["platform:provision"]);
  const treasurerOf = async (slug: string) => {
    const { id } = await createOrganization(system, { slug, name: slug, kind: "CLUB" });
    const email = `treasurer@${slug}.test`;
    const { userId } = await addPersonToOrganization(system, { organizationId: id, email, name: "Treasurer", password: "Correct-Horse-Battery-42", role: "TREASURER" });
    return memberActor({ organizationId: id, userId, email, role: "TREASURER", ip: null });
  };
  const people = Array.from({ length: ROWS }, (_, i) => ({
    firstName: "Member",
    lastName: `Number ${i}`,
    email: `member${i}@example.org`,
    phone: `+2547${String(10_000_000 + i).slice(-8)}`,
    address: "Plot 7, Kilimani Road, Nairobi",
  }));
  const file = Buffer.from(
    [MEMBER_CSV_COLUMNS.join(","), ...people.map((p) => [p.firstName, p.lastName, p.email, p.phone, "", "", "", `"${p.address}"`].join(","))].join("\r\n") + "\r\n",
    "utf8",
  );

  const importer = await treasurerOf("bench-import");
  let started = performance.now();
  const preview = await previewMemberImport(importer, [file]);
  const previewMs = performance.now() - started;
  started = performance.now();
  const result = await commitMemberImport(importer, await checkStagedImport(importer, { importId: preview.importId }));
  const commitMs = performance.now() - started;
  if (result.created !== ROWS) throw new Error(`imported ${result.created} of ${ROWS}`);
  const importMs = previewMs + commitMs;

  const looper = await treasurerOf("bench-loop");
  started = performance.now();
  for (const person of people) await createMember(looper, person);
  const loopMs = performance.now() - started;

  const rate = (ms: number) => Math.round((ROWS / ms) * 1000);
  console.log(`${ROWS.toLocaleString("en")} members (${(file.length / 1024).toFixed(0)} KiB of CSV), each into a new club`);
  console.log(`CSV import, preview + commit        ${importMs.toFixed(0).padStart(7)} ms  ${String(rate(importMs)).padStart(6)} rows/s  (preview ${previewMs.toFixed(0)} ms, commit ${commitMs.toFixed(0)} ms)`);
  console.log(`createMember loop (peer)            ${loopMs.toFixed(0).padStart(7)} ms  ${String(rate(loopMs)).padStart(6)} rows/s`);
  console.log(`import / loop: ${(loopMs / importMs).toFixed(1)}× the rate`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
