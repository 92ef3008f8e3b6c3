import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { POST } from "@/app/api/webhooks/mpesa/[token]/b2c/route";
import { memberActor, type Actor } from "@/lib/authz/actor";
import { ROLES } from "@/lib/authz/capabilities";
import { mayReadWelfareNotes } from "@/lib/authz/welfare-notes";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { darajaCredential } from "@/lib/payments/credentials";
import { getWelfareCase, getWelfareCaseNotes, listWelfareCases, openWelfareCaseCounts } from "@/lib/queries/welfare-cases";
import { createMember } from "@/lib/services/members";
import { addPersonToOrganization } from "@/lib/services/organizations";
import { closeWelfareCase, openWelfareCase, updateWelfareNotes } from "@/lib/services/welfare-cases";
import {
  approveDisbursement,
  payDisbursementByMpesa,
  recordDisbursementPaid,
  rejectDisbursement,
  requestDisbursement,
} from "@/lib/services/welfare-disbursements";
import { startDarajaStandIn, type DarajaStandIn } from "@/scripts/lib/daraja-stand-in";
import { connectAs } from "./support/database";
import { giveDarajaCredentials } from "./support/daraja-credentials";
import { createTestOrganization, TEST_ACTOR, TEST_PASSWORD, type TestOrganization } from "./support/organizations";
import { post, serveRoute, type RouteServer } from "./support/route-server";

/**
 * Welfare cases and their disbursements (promise P5) through the real
 * services: maker-checker held by the service itself, notes for their
 * readers only and never in the audit, and M-Pesa B2C payouts from the
 * Daraja stand-in's real HTTP result callback into the real route handler.
 */
const SAFARICOM = "127.0.0.2";
process.env.MPESA_CALLBACK_IPS = SAFARICOM;
const ROUTE = /^\/api\/webhooks\/mpesa\/(?<token>[^/]+)\/b2c$/;
/** The roles the promise names as the notes' readers (the owner holds everything an admin does). */
const NOTE_READERS: ReadonlySet<string> = new Set(["OWNER", "ADMIN", "TREASURER"]);
const NOTE = "Diagnosed with tuberculosis at Mbagathi; the landlord threatens eviction.";

let club: TestOrganization;
let other: TestOrganization;
let secondTreasurer: Actor;
let memberId: string;
let owner: pg.Client;
let standIn: DarajaStandIn;
let server: RouteServer;

beforeAll(async () => {
  standIn = await startDarajaStandIn({ callbackDelayMs: 50, callbackFrom: SAFARICOM });
  process.env.DARAJA_BASE_URL = standIn.url;
  server = await serveRoute(ROUTE, POST);
  [club, other] = [await createTestOrganization("welfare"), await createTestOrganization("welfare-other")];
  const email = `treasurer-2@${club.slug}.test`;
  const { userId } = await addPersonToOrganization(TEST_ACTOR, { organizationId: club.id, email, name: "Second treasurer", password: TEST_PASSWORD, role: "TREASURER" });
  secondTreasurer = memberActor({ organizationId: club.id, userId, email, role: "TREASURER", ip: "203.0.113.8" });
  memberId = (await createMember(club.actors.ADMIN, { firstName: "Achieng", lastName: "Omondi" })).id;
  for (const org of [club, other]) await giveDarajaCredentials(org, { b2c: true, shortcode: "600996" });
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner?.end();
  await server?.close();
  await standIn?.stop();
  await disconnectAll();
});

const auditCount = async () => Number((await owner.query<{ n: string }>("SELECT count(*) AS n FROM audit_entry")).rows[0].n);
const disbursement = (id: string) =>
  withTenant(club.id, (tx) => tx.welfareDisbursement.findUniqueOrThrow({ where: { id }, select: { status: true, decidedById: true, paymentId: true } }));
const caseStatus = async (id: string) => (await getWelfareCase(club.actors.TREASURER, id)).status;

async function openCase(by: Actor = club.actors.TREASURER) {
  return openWelfareCase(by, { memberId, category: "MEDICAL", title: "Medical support", notes: NOTE });
}

/** A call that must be refused and change nothing: the error, with the audit trail's size and the row unchanged. */
async function refusedWithoutChange(disbursementId: string, call: () => Promise<unknown>) {
  const [auditBefore, rowBefore] = [await auditCount(), await disbursement(disbursementId)];
  const error = await call().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).not.toBeNull();
  expect(await auditCount()).toBe(auditBefore);
  expect(await disbursement(disbursementId)).toEqual(rowBefore);
  return error as { code: string; message: string };
}

describe("[P5] maker-checker: the requester never decides their own disbursement", () => {
  test("[P5] a treasurer who opened the case and requested cannot approve or reject it; another treasurer approves", async () => {
    const welfare = await openCase(club.actors.TREASURER);
    const { id } = await requestDisbursement(club.actors.TREASURER, { caseId: welfare.id, amount: "2500", method: "CASH", reason: "Rent arrears" });
    for (const decide of [approveDisbursement, rejectDisbursement]) {
      const refusal = await refusedWithoutChange(id, () => decide(club.actors.TREASURER, { disbursementId: id }));
      expect(refusal).toMatchObject({ code: "INVALID", message: expect.stringContaining("another treasurer must approve") });
    }
    expect(await caseStatus(welfare.id)).toBe("OPEN");
    await approveDisbursement(secondTreasurer, { disbursementId: id });
    expect(await disbursement(id)).toMatchObject({ status: "APPROVED", decidedById: secondTreasurer.userId });
    expect(await caseStatus(welfare.id)).toBe("APPROVED");
  });

  test("[P5] owners and admins, who may request, hold no approval at all: their approval is the not-found", async () => {
    const welfare = await openCase(club.actors.OWNER);
    const { id } = await requestDisbursement(club.actors.OWNER, { caseId: welfare.id, amount: "1000", method: "CASH", reason: "Food" });
    for (const role of ["OWNER", "ADMIN", "VIEWER", "MEMBER"] as const) {
      expect(await refusedWithoutChange(id, () => approveDisbursement(club.actors[role], { disbursementId: id }))).toMatchObject({ code: "NOT_FOUND" });
    }
    await approveDisbursement(club.actors.TREASURER, { disbursementId: id });
    expect((await disbursement(id)).status).toBe("APPROVED");
  });

  test("[P5] a second approval, an approval of a rejected one and a decision on another club's are refused and change nothing", async () => {
    const welfare = await openCase();
    const approved = await requestDisbursement(secondTreasurer, { caseId: welfare.id, amount: "700", method: "CASH", reason: "Medicine" });
    await approveDisbursement(club.actors.TREASURER, { disbursementId: approved.id });
    expect(await refusedWithoutChange(approved.id, () => approveDisbursement(club.actors.TREASURER, { disbursementId: approved.id }))).toMatchObject({
      code: "CONFLICT",
      message: "This disbursement is already approved.",
    });
    expect(await refusedWithoutChange(approved.id, () => rejectDisbursement(club.actors.TREASURER, { disbursementId: approved.id }))).toMatchObject({ code: "CONFLICT" });

    const rejected = await requestDisbursement(secondTreasurer, { caseId: welfare.id, amount: "900", method: "CASH", reason: "Taxi" });
    await rejectDisbursement(club.actors.TREASURER, { disbursementId: rejected.id });
    expect(await refusedWithoutChange(rejected.id, () => approveDisbursement(club.actors.TREASURER, { disbursementId: rejected.id }))).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("rejected"),
    });
    expect(await refusedWithoutChange(rejected.id, () => approveDisbursement(other.actors.TREASURER, { disbursementId: rejected.id }))).toMatchObject({ code: "NOT_FOUND" });
  });

  test("[P5] two treasurers approving at once: exactly one approval is recorded", async () => {
    const welfare = await openCase();
    const third = await addPersonToOrganization(TEST_ACTOR, { organizationId: club.id, email: `treasurer-3@${club.slug}.test`, name: "Third", password: TEST_PASSWORD, role: "TREASURER" });
    const thirdTreasurer = memberActor({ organizationId: club.id, userId: third.userId, email: `treasurer-3@${club.slug}.test`, role: "TREASURER", ip: null });
    const { id } = await requestDisbursement(secondTreasurer, { caseId: welfare.id, amount: "300", method: "CASH", reason: "Airtime" });
    const before = await auditCount();
    const outcomes = await Promise.allSettled([approveDisbursement(club.actors.TREASURER, { disbursementId: id }), approveDisbursement(thirdTreasurer, { disbursementId: id })]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(await auditCount()).toBe(before + 1);
  });
});

describe("[P5] case notes: their readers only, and never in the audit", () => {
  test("[P5] the notes answer their creator, treasurers, admins and owners; every other role gets the not-found", async () => {
    const welfare = await openCase(secondTreasurer);
    for (const role of ROLES) {
      const read = getWelfareCaseNotes(club.actors[role], welfare.id);
      if (NOTE_READERS.has(role)) await expect(read).resolves.toMatchObject({ notes: NOTE });
      else await expect(read).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(getWelfareCaseNotes(secondTreasurer, welfare.id)).resolves.toMatchObject({ notes: NOTE });
    await expect(getWelfareCaseNotes(other.actors.TREASURER, welfare.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A viewer reads the case, but not that it has notes.
    expect(await getWelfareCase(club.actors.VIEWER, welfare.id)).toMatchObject({ notesReadable: false });
    expect(JSON.stringify(await getWelfareCase(club.actors.VIEWER, welfare.id))).not.toContain(NOTE);
  });

  test("[P5] a case's creator reads its notes without welfare:notes; others with welfare:read alone do not", () => {
    const reader = { userId: "5d0c1a0e-0000-4000-8000-000000000001", capabilities: new Set(["welfare:read"] as const) };
    expect(mayReadWelfareNotes(reader, { createdById: reader.userId })).toBe(true);
    expect(mayReadWelfareNotes(reader, { createdById: "5d0c1a0e-0000-4000-8000-000000000002" })).toBe(false);
  });

  test("[P5] the case list never carries notes", async () => {
    await openCase();
    for (const role of ["TREASURER", "VIEWER"] as const) {
      const listed = await listWelfareCases(club.actors[role], {});
      expect(listed.length).toBeGreaterThan(0);
      expect(JSON.stringify(listed)).not.toContain(NOTE);
      expect(listed.every((row) => !("notes" in row))).toBe(true);
    }
  });

  test("[P5] [B3.3] editing notes: only their readers may, and the audit holds [set] and [changed], never the text", async () => {
    const welfare = await openCase();
    const edited = "Moved to a relative's house in Kibera; treatment continues.";
    await expect(updateWelfareNotes(club.actors.VIEWER, { caseId: welfare.id, notes: edited })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await updateWelfareNotes(club.actors.ADMIN, { caseId: welfare.id, notes: edited });
    expect((await getWelfareCaseNotes(club.actors.TREASURER, welfare.id)).notes).toBe(edited);
    const trail = await withTenant(club.id, (tx) => tx.auditEntry.findMany({ where: { targetId: welfare.id }, orderBy: { seq: "asc" }, select: { action: true, before: true, after: true } }));
    expect(trail.map((e) => e.action)).toEqual(["welfare_case.open", "welfare_case.notes_update"]);
    expect(trail[0].after).toMatchObject({ notes: "[set]" });
    expect(trail[1]).toMatchObject({ before: { notes: "[redacted]" }, after: { notes: "[changed]" } });
    const text = JSON.stringify(trail);
    expect(text).not.toContain("tuberculosis");
    expect(text).not.toContain("Kibera");
  });
});

describe("[P5] paying an approved disbursement", () => {
  test("[P5] cash with a reference lands in the ledger as a DISBURSEMENT; paying before approval or twice is refused", async () => {
    const welfare = await openCase();
    const { id } = await requestDisbursement(secondTreasurer, { caseId: welfare.id, amount: "1200", method: "CASH", reason: "School shoes" });
    expect(await refusedWithoutChange(id, () => recordDisbursementPaid(club.actors.TREASURER, { disbursementId: id, method: "CASH", reference: "RCPT-1" }))).toMatchObject({ code: "CONFLICT" });
    await approveDisbursement(club.actors.TREASURER, { disbursementId: id });
    await recordDisbursementPaid(club.actors.TREASURER, { disbursementId: id, method: "CASH", reference: `RCPT-${id}` });
    const row = await disbursement(id);
    expect(row.status).toBe("PAID");
    const ledger = await withTenant(club.id, (tx) => tx.payment.findUniqueOrThrow({ where: { id: row.paymentId! }, select: { kind: true, status: true, amountMinor: true, invoiceId: true } }));
    expect(ledger).toEqual({ kind: "DISBURSEMENT", status: "SUCCEEDED", amountMinor: 120_000, invoiceId: null });
    expect(await refusedWithoutChange(id, () => recordDisbursementPaid(club.actors.TREASURER, { disbursementId: id, method: "BANK", reference: "FT-2" }))).toMatchObject({ code: "CONFLICT" });
  });

  test("[P5] [B3.3] M-Pesa B2C: the stand-in's result callback over HTTP pays it, with the receipt stored encrypted", async () => {
    const welfare = await openCase();
    const { id } = await requestDisbursement(secondTreasurer, { caseId: welfare.id, amount: "4500", method: "MPESA", phone: "0712 345 678", reason: "Hospital balance" });
    await approveDisbursement(club.actors.TREASURER, { disbursementId: id });
    await payDisbursementByMpesa({ actor: club.actors.TREASURER, origin: `http://${club.slug}.localhost:${server.port}` }, { disbursementId: id });
    expect((await disbursement(id)).status).toBe("PAYING");
    const sent = standIn.payouts().at(-1)!.body;
    expect(sent).toMatchObject({ CommandID: "BusinessPayment", Amount: 4500, PartyA: "600996", PartyB: "254712345678", InitiatorName: "testapi" });
    await vi.waitFor(async () => expect((await disbursement(id)).status).toBe("PAID"), { timeout: 10_000, interval: 50 });
    const { paymentId } = await disbursement(id);
    const stored = (await owner.query<{ status: string; mpesa_receipt: string; reference: string }>("SELECT status, mpesa_receipt, reference FROM payment WHERE id = $1", [paymentId])).rows[0];
    expect(stored.status).toBe("SUCCEEDED");
    expect(stored.reference).toBe(sent.OriginatorConversationID);
    expect(stored.mpesa_receipt).not.toMatch(/^[A-Z0-9]{10}$/);
    const trail = await withTenant(club.id, (tx) => tx.auditEntry.findMany({ where: { targetId: id }, orderBy: { seq: "asc" }, select: { action: true, actorLabel: true, ip: true } }));
    expect(trail.map((e) => e.action)).toEqual(["welfare_disbursement.request", "welfare_disbursement.approve", "welfare_disbursement.mpesa_requested", "welfare_disbursement.mpesa_paid"]);
    expect(trail.at(-1)).toMatchObject({ actorLabel: "mpesa", ip: SAFARICOM });
  });

  test("[P5] a failed payout (ResultCode 2001) leaves the disbursement approved, payable again", async () => {
    const welfare = await openCase();
    const { id } = await requestDisbursement(secondTreasurer, { caseId: welfare.id, amount: "800", method: "MPESA", phone: "0712 342 001", reason: "Bus fare" });
    await approveDisbursement(club.actors.TREASURER, { disbursementId: id });
    await payDisbursementByMpesa({ actor: club.actors.TREASURER, origin: `http://${club.slug}.localhost:${server.port}` }, { disbursementId: id });
    await vi.waitFor(async () => expect(await disbursement(id)).toMatchObject({ status: "APPROVED", paymentId: null }), { timeout: 10_000, interval: 50 });
  });

  test("[P5] a B2C result with a wrong token, or from off the allow-list, is the 404 and changes nothing", async () => {
    const token = (await darajaCredential(club.id))!.callbackToken;
    const before = await auditCount();
    const body = JSON.stringify({ Result: { ResultCode: 0, ResultDesc: "ok", OriginatorConversationID: crypto.randomUUID(), ConversationID: "AG_1" } });
    const host = `${club.slug}.localhost:${server.port}`;
    expect((await post(server.port, { host, path: `/api/webhooks/mpesa/not-${token}/b2c`, body, from: SAFARICOM })).status).toBe(404);
    expect((await post(server.port, { host, path: `/api/webhooks/mpesa/${token}/b2c`, body, from: "127.0.0.1" })).status).toBe(404);
    expect((await post(server.port, { host, path: `/api/webhooks/mpesa/${token}/b2c`, body: "{}", from: SAFARICOM })).status).toBe(400);
    expect(await auditCount()).toBe(before);
  });
});

test("[P5] a closed case takes no new disbursement; open cases are counted per category in one query", async () => {
  const fresh = await createTestOrganization("welfare-counts");
  const member = await createMember(fresh.actors.ADMIN, { firstName: "Kamau", lastName: "Njoroge" });
  const open = (category: "MEDICAL" | "EDUCATION") => openWelfareCase(fresh.actors.TREASURER, { memberId: member.id, category, title: category, notes: "n" });
  await open("MEDICAL");
  await open("MEDICAL");
  const closing = await open("EDUCATION");
  await closeWelfareCase(fresh.actors.ADMIN, { caseId: closing.id });
  await expect(requestDisbursement(fresh.actors.TREASURER, { caseId: closing.id, amount: "1", method: "CASH", reason: "x" })).rejects.toMatchObject({ code: "INVALID" });
  expect(await openWelfareCaseCounts(fresh.actors.VIEWER)).toEqual([{ category: "MEDICAL", count: 2 }]);
});
