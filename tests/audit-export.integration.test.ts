import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appendAudit } from "@/lib/audit/append";
import { auditCsvHeader, auditCsvRow } from "@/lib/audit/csv";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { reserveAuditCsv } from "@/lib/queries/audit-csv";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

/**
 * The export route's stream (lib/queries/audit-csv.ts: a child process
 * without Prisma writes the CSV, the server pipes it): byte for byte the
 * trail, across the child's batches of 1,000; a child that dies mid-stream
 * breaks the body instead of ending it; at most two run at once.
 */
const ENTRIES = 1_500;
let club: TestOrganization;

beforeAll(async () => {
  club = await createTestOrganization("audit-export");
  // Enough rows for two batches and for more bytes than the pipe holds, so the child is still writing when it is killed.
  await withTenant(club.id, async (tx) => {
    for (let i = 0; i < ENTRIES; i++) {
      await appendAudit(tx, club.id, { id: null, label: `exporter-${i % 5}@audit-export.test`, ip: "203.0.113.7" }, {
        action: "member.update",
        summary: i % 50 ? "Member details edited" : '=HYPERLINK("x"), with "quotes"',
        targetType: "Member",
        targetId: `member-${i}`,
        before: { status: "ACTIVE", n: i },
        after: { status: "ARCHIVED", n: i + 1 },
      });
    }
  });
}, 240_000);
afterAll(() => disconnectAll());

describe("audit CSV export through its child process", () => {
  test("[M5.3] the route's stream equals the trail as CSV, byte for byte, newest first across batches", async () => {
    const stored = await withTenant(club.id, (tx) => tx.auditEntry.findMany({ orderBy: { seq: "desc" } }));
    expect(stored.length).toBeGreaterThan(ENTRIES);
    const expected = auditCsvHeader() + stored.map((entry) => auditCsvRow(entry)).join("");
    const text = await new Response(await reserveAuditCsv(club.actors.ADMIN).start({})).text();
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
  });

  test("[M5.3] a child killed mid-stream makes the response fail, never end as a complete CSV", async () => {
    const body = await reserveAuditCsv(club.actors.ADMIN).start({});
    const reader = body.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    const [pid] = await exportChildren(club.id);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, "SIGKILL");
    let received = first.value!.byteLength;
    const drain = async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return "ended";
        received += value.byteLength;
      }
    };
    await expect(drain()).rejects.toThrow(/stopped before its end/);
    expect(received).toBeGreaterThan(0);
  });

  test("[M5.3] a client that goes away stops the child, which frees its place", async () => {
    const reader = (await reserveAuditCsv(club.actors.ADMIN).start({})).getReader();
    await reader.read();
    expect(await exportChildren(club.id)).toHaveLength(1);
    await reader.cancel();
    await expect.poll(placesFree).toBe(2);
    expect(await exportChildren(club.id)).toEqual([]);
  });

  test("[M5.3] a third export while two stream is refused with a clear message; a finished one frees its place", async () => {
    const one = reserveAuditCsv(club.actors.ADMIN);
    const two = reserveAuditCsv(club.actors.ADMIN);
    expect(() => reserveAuditCsv(club.actors.ADMIN)).toThrow(expect.objectContaining({ code: "RATE_LIMITED", message: expect.stringMatching(/already running.*try again in a minute/) }));
    one.release();
    const body = await two.start({ action: "member.update", actor: "exporter-1@" });
    const three = reserveAuditCsv(club.actors.ADMIN);
    expect(() => reserveAuditCsv(club.actors.ADMIN)).toThrow(expect.objectContaining({ code: "RATE_LIMITED" }));
    expect((await new Response(body).text()).split("\r\n").length).toBe(ENTRIES / 5 + 2);
    // The finished export's child has exited, which freed its place.
    const four = reserveAuditCsv(club.actors.ADMIN);
    expect(() => reserveAuditCsv(club.actors.ADMIN)).toThrow(expect.objectContaining({ code: "RATE_LIMITED" }));
    three.release();
    four.release();
  });
});

/** How many exports could start now (at most two per server process). */
function placesFree(): number {
  const held = [];
  try {
    for (;;) held.push(reserveAuditCsv(club.actors.ADMIN));
  } catch {
    return held.length;
  } finally {
    for (const place of held) place.release();
  }
}

/** This test process's export children for the organisation (their argv holds its id). */
async function exportChildren(organizationId: string): Promise<number[]> {
  const { execFileSync } = await import("node:child_process");
  const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((line) => line.includes("csv-export-process.ts") && line.includes(organizationId))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}
