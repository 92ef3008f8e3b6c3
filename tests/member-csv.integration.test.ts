import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { MEMBER_CSV_COLUMNS, MEMBER_CSV_MAX_BYTES } from "@/lib/members/csv";
import { CsvTooLargeError } from "@/lib/members/csv-read";
import { listMembers, membersCsv } from "@/lib/queries/members";
import { objectStore } from "@/lib/storage";
import { createMember } from "@/lib/services/members";
import { recordMemberExport } from "@/lib/services/member-exports";
import { checkStagedImport, commitMemberImport, previewMemberImport } from "@/lib/services/member-imports";
import type { Actor } from "@/lib/authz/actor";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

/**
 * Members CSV import and export (promise P2) on a real PostgreSQL and the
 * real object store: a file is previewed with a per-row report, then
 * imported all or none; duplicates (by blind index) are reported and never
 * added; the export is formula-guarded and imports back unchanged.
 */
const HEADER = MEMBER_CSV_COLUMNS.join(",");
const csv = (...lines: string[]) => `${[HEADER, ...lines].join("\n")}\n`;
const upload = (actor: Actor, text: string | Buffer) => previewMemberImport(actor, [Buffer.isBuffer(text) ? text : Buffer.from(text, "utf8")]);
const commit = async (actor: Actor, importId: string) => commitMemberImport(actor, await checkStagedImport(actor, { importId }));

async function memberCount(org: TestOrganization) {
  return withTenant(org.id, (tx) => tx.member.count({ where: { organizationId: org.id } }));
}
async function importEntries(org: TestOrganization) {
  return withTenant(org.id, (tx) => tx.auditEntry.findMany({ where: { action: "member.import" }, orderBy: { seq: "asc" } }));
}
const staged = async (org: TestOrganization) => (await objectStore().list(`member-imports/${org.id}/`)).length;
async function read(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}
async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

let club: TestOrganization;
beforeAll(async () => {
  club = await createTestOrganization("csv");
});
afterAll(() => disconnectAll());

describe("members CSV import", () => {
  test("[P2] a wrong header is refused with a message naming the missing and unknown columns; nothing is staged or written", async () => {
    const before = [await memberCount(club), await staged(club)];
    const error = await refusal(upload(club.actors.TREASURER, "first_name,surname,email,phone,nin,bvn,date_of_birth,address\nAmina,Otieno,,,,,,\n"));
    expect(error.code).toBe("INVALID");
    expect(error.message).toContain("missing last_name");
    expect(error.message).toContain('unknown "surname"');
    expect(error.fieldErrors.file).toHaveLength(1);
    expect([await memberCount(club), await staged(club)]).toEqual(before);
  });

  test("[P2] a bad row is reported by row and column, and the commit refuses the whole file: nothing is written", async () => {
    const text = csv("Amina,Otieno,amina@example.org,+254712000001,,,,", ",Kamau,not-an-email,0712,,,2090-01-01,", "Too,Few,cells");
    const preview = await upload(club.actors.TREASURER, text);
    expect(preview.total).toBe(3);
    expect(preview.fresh).toBe(0);
    expect(preview.problems).toEqual([
      { row: 3, field: "first_name", message: "First name is required" },
      { row: 3, field: "email", message: "Enter a valid email address" },
      { row: 3, field: "phone", message: "Enter the phone number with its country code, e.g. +254 712 345678" },
      { row: 3, field: "date_of_birth", message: "Enter a past date as YYYY-MM-DD" },
      { row: 4, field: "row", message: "This row has 3 cells; the header has 8" },
    ]);
    const before = await memberCount(club);
    const error = await refusal(commit(club.actors.TREASURER, preview.importId));
    expect(error.message).toBe("2 rows have problems; nothing was imported. Correct the file and upload it again.");
    expect(await memberCount(club)).toBe(before);
  });

  test("[P2] a UTF-8 file with a byte-order mark and CRLF line ends imports, quoted line breaks and accents intact", async () => {
    const org = await createTestOrganization("csv-bom");
    const body = `${HEADER}\r\nZoë,Ñjeri,zoe@example.org,+254712000002,,,1990-02-03,"Plot 7\r\nKilimani"\r\nAmos,Otieno,,,,,,\r\n`;
    const preview = await upload(org.actors.TREASURER, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, "utf8")]));
    expect(preview.problems).toEqual([]);
    expect(preview.sample.map((r) => [r.row, r.firstName, r.lastName, r.address])).toEqual([
      [2, "Zoë", "Ñjeri", "Plot 7\nKilimani"],
      [3, "Amos", "Otieno", null],
    ]);
    expect(await commit(org.actors.TREASURER, preview.importId)).toEqual({ created: 2, duplicates: [] });
    const members = await listMembers(org.actors.TREASURER);
    expect(members.map((m) => `${m.firstName} ${m.lastName} ${m.email ?? "-"}`).sort()).toEqual(["Amos Otieno -", "Zoë Ñjeri zoe@example.org"]);
  });

  test("[P2] an 11 MB file is refused as too large, read no further, and nothing is staged", async () => {
    const before = await staged(club);
    let sent = 0;
    async function* eleven() {
      yield Buffer.from(`${HEADER}\n`);
      // Rows as long as real ones with an address, so the size, not the row count, is what is refused.
      const row = Buffer.from(`Amina,Otieno,amina@example.org,+254712000001,,,1990-01-01,"${"Plot 7, Kilimani Road ".repeat(30)}"\n`.repeat(20));
      while (sent < 11 * 1024 * 1024) {
        sent += row.length;
        yield row;
      }
    }
    await expect(previewMemberImport(club.actors.TREASURER, eleven())).rejects.toBeInstanceOf(CsvTooLargeError);
    expect(sent).toBeLessThan(MEMBER_CSV_MAX_BYTES + 64 * 1024);
    expect(await staged(club)).toBe(before);
  });

  test("[P2] duplicates inside the file and against the register are reported per row and skipped; one audit entry of counts, no personal data", async () => {
    const org = await createTestOrganization("csv-dup");
    await createMember(org.actors.TREASURER, { firstName: "Existing", lastName: "Member", email: "Existing@Example.org", phone: "+254 712 000 010" });
    const text = csv(
      "Mary,Wambui,existing@example.org,,,,,", // the register's email, another case
      "Peter,Kimani,,0712000010,,,,", // the register's phone, written locally... not valid without a country code
      "Peter,Kimani,,+254712000010,,,,", // the register's phone
      "Grace,Achieng,grace@example.org,,,,,",
      "Grace,Achieng,GRACE@example.org,,,,,", // repeats row 5
    );
    const preview = await upload(org.actors.TREASURER, text);
    expect(preview.problems.map((p) => [p.row, p.field])).toEqual([[3, "phone"]]);
    const fixed = await upload(org.actors.TREASURER, text.replace("Peter,Kimani,,0712000010,,,,\n", ""));
    expect(fixed.problems).toEqual([]);
    expect(fixed.duplicates).toEqual([
      { row: 2, field: "email", message: "Already a member with this email" },
      { row: 3, field: "phone", message: "Already a member with this phone number" },
      { row: 5, field: "email", message: "Same email as row 4" },
    ]);
    expect(fixed.fresh).toBe(1);
    expect(await commit(org.actors.TREASURER, fixed.importId)).toMatchObject({ created: 1, duplicates: fixed.duplicates });
    expect(await memberCount(org)).toBe(2);
    const [entry] = await importEntries(org);
    expect(entry).toMatchObject({ summary: "Members imported from CSV", targetType: "Member", actorId: org.actors.TREASURER.userId, after: { rows: 4, created: 1, duplicates: 3 } });
    expect(JSON.stringify([entry.summary, entry.before, entry.after])).not.toMatch(/grace|achieng|existing@/i);
    // Committed once: the staged file is gone.
    await expect(checkStagedImport(org.actors.TREASURER, { importId: fixed.importId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("[P2] a staged file opens only for the person who uploaded it, in their organisation", async () => {
    const other = await createTestOrganization("csv-other");
    const preview = await upload(club.actors.TREASURER, csv("Solo,Person,,,,,,"));
    await expect(checkStagedImport(club.actors.ADMIN, { importId: preview.importId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(checkStagedImport(other.actors.TREASURER, { importId: preview.importId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(checkStagedImport(club.actors.VIEWER, { importId: preview.importId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(previewMemberImport(club.actors.VIEWER, [Buffer.from(csv("No,Access,,,,,,"))])).rejects.toMatchObject({ code: "NOT_FOUND" });
    // At rest it is ciphertext: no name in the stored object.
    const [object] = (await objectStore().list(`member-imports/${club.id}/`)).filter((o) => o.key.includes(preview.importId));
    expect((await objectStore().read(object.key)).toString("utf8")).not.toContain("Solo");
  });

  test("[P2] two imports of the same people at once add each person once", async () => {
    const org = await createTestOrganization("csv-race");
    const lines = Array.from({ length: 300 }, (_, i) => `Person,${i},p${i}@example.org,+2547120${String(i).padStart(5, "0")},,,,`);
    const [a, b] = await Promise.all([upload(org.actors.TREASURER, csv(...lines)), upload(org.actors.ADMIN, csv(...lines))]);
    const [first, second] = await Promise.all([commit(org.actors.TREASURER, a.importId), commit(org.actors.ADMIN, b.importId)]);
    expect(first.created + second.created).toBe(300);
    expect(first.duplicates.length + second.duplicates.length).toBe(300);
    expect(await memberCount(org)).toBe(300);
  });
});

describe("members CSV export", () => {
  test("[P2] a formula-looking cell is guarded on export and imports back as it was", async () => {
    const org = await createTestOrganization("csv-formula");
    const hostile = { firstName: "=HYPERLINK(\"http://evil.example\",\"x\")", lastName: "+Otieno", address: "@SUM(A1)\tnext", phone: "+254712000099" };
    await createMember(org.actors.TREASURER, hostile);
    await createMember(org.actors.TREASURER, { firstName: "'quoted", lastName: "-Kamau", email: "kamau@example.org" });
    await recordMemberExport(org.actors.VIEWER, {});
    const text = await read(membersCsv(org.actors.VIEWER));
    const lines = text.split("\r\n");
    expect(lines[0]).toBe(HEADER);
    expect(lines).toContain(`''quoted,'-Kamau,kamau@example.org,,,,,`);
    expect(lines).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")",'+Otieno,,'+254712000099,,,,'@SUM(A1)\tnext`);
    // No cell a spreadsheet would run: every cell starting with = + - @ tab or CR carries the apostrophe.
    for (const line of lines.slice(1)) for (const cell of line.split(",")) expect(cell.replace(/^"/, "")).not.toMatch(/^[=+\-@\t\r]/);

    const copy = await createTestOrganization("csv-formula-copy");
    const preview = await upload(copy.actors.TREASURER, text);
    expect(preview.problems).toEqual([]);
    await commit(copy.actors.TREASURER, preview.importId);
    const back = await read(membersCsv(copy.actors.VIEWER));
    expect(back).toBe(text);
  });

  test("[P2] the export needs members:read and is audited without the search term", async () => {
    const org = await createTestOrganization("csv-export");
    expect(() => membersCsv(org.actors.MEMBER)).toThrow(AppError);
    await expect(recordMemberExport(org.actors.MEMBER, {})).rejects.toMatchObject({ code: "NOT_FOUND" });
    await recordMemberExport(org.actors.TREASURER, { q: "someone@example.org" });
    const [entry] = await withTenant(org.id, (tx) => tx.auditEntry.findMany({ where: { action: "member.export" } }));
    expect(entry.after).toEqual({ searched: true, archived: false });
  });
});
