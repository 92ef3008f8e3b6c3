import { randomBytes, randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { POST as resultRoute } from "@/app/api/webhooks/mpesa/[token]/b2c/route";
import { POST as statusRoute } from "@/app/api/webhooks/mpesa/[token]/b2c/status/route";
import { memberActor, type Actor } from "@/lib/authz/actor";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { reconcileB2cPayouts } from "@/lib/jobs/b2c-reconcile";
import { darajaCredential } from "@/lib/payments/credentials";
import { getWelfareCase } from "@/lib/queries/welfare-cases";
import { createMember } from "@/lib/services/members";
import { addPersonToOrganization } from "@/lib/services/organizations";
import { openWelfareCase } from "@/lib/services/welfare-cases";
import { approveDisbursement, markB2cPayoutFailed, payDisbursementByMpesa, recordB2cPayoutPaid, requestDisbursement, startB2cPayout } from "@/lib/services/welfare-disbursements";
import { startDarajaStandIn, type DarajaStandIn } from "@/scripts/lib/daraja-stand-in";
import { connectAs } from "./support/database";
import { giveDarajaCredentials } from "./support/daraja-credentials";
import { createTestOrganization, TEST_ACTOR, TEST_PASSWORD, type TestOrganization } from "./support/organizations";
import { post, serveRoute, type RouteServer } from "./support/route-server";
import { captureLogLines } from "./support/stderr";

/**
 * The safety net under B2C results (promise P5): a welfare payout whose
 * result never arrives is asked about with Transaction Status by the
 * reconcile job, against the Daraja stand-in over real HTTP, and settled by
 * the stand-in's answer through the verified …/b2c/status webhook. One M-Pesa
 * never confirms is never failed by the job: a treasurer marks it failed, or
 * records it as paid with the receipt from the club's M-Pesa statement, by hand.
 */
const SAFARICOM = "127.0.0.2";
process.env.MPESA_CALLBACK_IPS = SAFARICOM;
const RESULT_ROUTE = /^\/api\/webhooks\/mpesa\/(?<token>[^/]+)\/b2c$/;
const STATUS_ROUTE = /^\/api\/webhooks\/mpesa\/(?<token>[^/]+)\/b2c\/status$/;
const PHONE = "0712 345 678";
const MINUTE = 60_000;

let club: TestOrganization;
let secondTreasurer: Actor;
let memberId: string;
let owner: pg.Client;
let standIn: DarajaStandIn;
let results: RouteServer;
let answers: RouteServer;

beforeAll(async () => {
  standIn = await startDarajaStandIn({ callbackDelayMs: 50, callbackFrom: SAFARICOM });
  results = await serveRoute(RESULT_ROUTE, resultRoute);
  answers = await serveRoute(STATUS_ROUTE, statusRoute);
  process.env.DARAJA_BASE_URL = standIn.url;
  // The job has no request to learn the club's origin from: it is the apex's, here the answers' server.
  process.env.APP_ORIGIN = `http://localhost:${answers.port}`;
  club = await createTestOrganization("payouts");
  const email = `treasurer-2@${club.slug}.test`;
  const { userId } = await addPersonToOrganization(TEST_ACTOR, { organizationId: club.id, email, name: "Second treasurer", password: TEST_PASSWORD, role: "TREASURER" });
  secondTreasurer = memberActor({ organizationId: club.id, userId, email, role: "TREASURER", ip: "203.0.113.8" });
  memberId = (await createMember(club.actors.ADMIN, { firstName: "Wanjiru", lastName: "Kamau" })).id;
  await giveDarajaCredentials(club, { b2c: true, shortcode: "600996" });
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner?.end();
  await results?.close();
  await answers?.close();
  await standIn?.stop();
  await disconnectAll();
});

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * MINUTE);
const disbursement = (id: string) =>
  withTenant(club.id, (tx) => tx.welfareDisbursement.findUniqueOrThrow({ where: { id }, select: { status: true, paymentId: true } }));
const ledger = (reference: string) =>
  withTenant(club.id, (tx) => tx.payment.findFirstOrThrow({ where: { reference }, select: { status: true, mpesaReceipt: true, failureReason: true, amountMinor: true } }));
const trail = (id: string) =>
  withTenant(club.id, (tx) => tx.auditEntry.findMany({ where: { targetId: id }, orderBy: { seq: "asc" }, select: { action: true, actorLabel: true, ip: true, summary: true } }));
const auditCount = async () => Number((await owner.query<{ n: string }>("SELECT count(*) AS n FROM audit_entry")).rows[0].n);

/** An approved M-Pesa disbursement to `phone`. */
async function approved(phone = PHONE, amount = "1500") {
  const welfare = await openWelfareCase(club.actors.TREASURER, { memberId, category: "MEDICAL", title: "Clinic bill", notes: "n" });
  const { id } = await requestDisbursement(secondTreasurer, { caseId: welfare.id, amount, method: "MPESA", phone, reason: "Clinic bill" });
  await approveDisbursement(club.actors.TREASURER, { disbursementId: id });
  return { id, caseId: welfare.id };
}

/** Pays it through the stand-in; its OriginatorConversationID. */
async function pay(id: string): Promise<string> {
  await payDisbursementByMpesa({ actor: club.actors.TREASURER, origin: `http://${club.slug}.localhost:${results.port}` }, { disbursementId: id });
  return String(standIn.payouts().at(-1)!.body.OriginatorConversationID);
}

/** Runs the job `runs` times at once and waits until the stand-in's answers to its questions have all reached our webhook. */
async function reconcileAndWait(now: Date, runs = 1) {
  const before = answers.answered.length;
  const summaries = await Promise.all(Array.from({ length: runs }, () => reconcileB2cPayouts({ now })));
  const asked = summaries.reduce((sum, s) => sum + s.asked, 0);
  await vi.waitFor(() => expect(answers.answered.length).toBe(before + asked), { timeout: 10_000, interval: 50 });
}

describe("[P5] the B2C reconcile job (Transaction Status)", () => {
  test("[P5] [B3.3] a lost result: the status query's answer pays the payout once; run twice, it changes nothing more", async () => {
    // The stand-in pays a phone ending in 0005 but loses its result.
    const { id } = await approved("0712 340 005");
    const reference = await pay(id);
    expect((await disbursement(id)).status).toBe("PAYING");

    // Younger than a few minutes: a result may still come, nothing is asked.
    expect(await reconcileB2cPayouts()).toMatchObject({ asked: 0 });
    expect(standIn.statusQueries().some((q) => q.OriginatorConversationID === reference)).toBe(false);

    // Two runs at once (a worker's and a late one's): two questions, two answers, one settlement.
    await reconcileAndWait(inMinutes(6), 2);
    expect((await disbursement(id)).status).toBe("PAID");
    const asked = standIn.statusQueries().filter((q) => q.OriginatorConversationID === reference);
    expect(asked).toHaveLength(2);
    expect(asked[0]).toMatchObject({ CommandID: "TransactionStatusQuery", PartyA: "600996", IdentifierType: "4", Initiator: "testapi" });
    expect(JSON.stringify(asked[0])).not.toContain("254712340005");
    const paidOut = await ledger(reference);
    expect(paidOut).toMatchObject({ status: "SUCCEEDED", amountMinor: 150_000, mpesaReceipt: expect.stringMatching(/^[A-Z0-9]{10}$/) });
    const entries = (await trail(id)).filter((e) => e.action === "welfare_disbursement.mpesa_paid");
    expect(entries).toEqual([expect.objectContaining({ actorLabel: "mpesa", ip: SAFARICOM, summary: expect.stringContaining("status query") })]);

    // Once settled it is not asked about again.
    const before = await auditCount();
    expect(await reconcileB2cPayouts({ now: inMinutes(6) })).toMatchObject({ asked: 0 });
    expect(await auditCount()).toBe(before);
  });

  test("[P5] a payout request M-Pesa carries out but never answers stays Paying, never failed, and the job's query settles it as paid", async () => {
    const { id } = await approved();
    standIn.leaveB2cUnanswered(1);
    standIn.dropB2cResults(1);
    // The request times out (10 s) after M-Pesa has sent the money: failing it here would let it be paid twice.
    const reference = await pay(id);
    expect((await disbursement(id)).status).toBe("PAYING");
    expect(await ledger(reference)).toMatchObject({ status: "PENDING" });
    await reconcileAndWait(inMinutes(6));
    expect((await disbursement(id)).status).toBe("PAID");
    expect(await ledger(reference)).toMatchObject({ status: "SUCCEEDED", amountMinor: 150_000 });
  }, 30_000);

  test("[P5] a failed payout found by the query: the disbursement is approved again, payable anew", async () => {
    const { id } = await approved("0712 340 001");
    standIn.dropB2cResults(1);
    const reference = await pay(id);
    await reconcileAndWait(inMinutes(6));
    expect(await disbursement(id)).toEqual({ status: "APPROVED", paymentId: null });
    expect(await ledger(reference)).toMatchObject({ status: "FAILED", failureReason: expect.stringContaining("failed") });
    expect((await trail(id)).filter((e) => e.action === "welfare_disbursement.mpesa_failed")).toEqual([
      expect.objectContaining({ actorLabel: "mpesa", summary: expect.stringContaining("status query") }),
    ]);
  });

  test("[P5] a result racing the query: whichever comes second changes nothing", async () => {
    const { id } = await approved();
    const reference = await pay(id);
    // The result is on its way (50 ms) while the job already asks.
    await reconcileAndWait(inMinutes(6));
    await vi.waitFor(() => expect(results.answered.some((a) => a.body.includes(reference))).toBe(true), { timeout: 10_000, interval: 50 });
    expect((await disbursement(id)).status).toBe("PAID");
    expect((await trail(id)).filter((e) => e.action === "welfare_disbursement.mpesa_paid")).toHaveLength(1);
  });

  test("[P5] a payout M-Pesa never saw: 'no such transaction' fails nothing; after a day the treasurer is told, and may mark it failed", async () => {
    const { id, caseId } = await approved();
    // Recorded, then never sent (the process died before Daraja was called).
    const reference = randomUUID();
    await startB2cPayout(club.actors.TREASURER, { disbursementId: id, originatorConversationId: reference });
    const before = await auditCount();
    const { lines } = await captureLogLines(() => reconcileAndWait(inMinutes(6)));
    expect(lines).toContainEqual(expect.objectContaining({ message: expect.stringContaining("without a final answer"), resultCode: 2032 }));
    expect(JSON.stringify(lines)).not.toMatch(/2547\d{8}|\+2547/);
    expect((await disbursement(id)).status).toBe("PAYING");
    expect(await auditCount()).toBe(before);

    // Too early to give up on M-Pesa: refused, nothing changes, nothing flagged.
    await expect(markB2cPayoutFailed(club.actors.TREASURER, { disbursementId: id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await auditCount()).toBe(before);
    expect((await getWelfareCase(club.actors.TREASURER, caseId)).disbursements[0]).toMatchObject({ status: "PAYING", payoutUnconfirmed: false });

    // A day on: no longer asked about, flagged on the case page instead.
    await owner.query("UPDATE payment SET created_at = now() - interval '25 hours' WHERE reference = $1", [reference]);
    const asked = standIn.statusQueries().length;
    expect(await reconcileB2cPayouts()).toMatchObject({ asked: 0 });
    expect(standIn.statusQueries()).toHaveLength(asked);
    expect((await disbursement(id)).status).toBe("PAYING");
    expect((await getWelfareCase(club.actors.VIEWER, caseId)).disbursements[0]).toMatchObject({ status: "PAYING", payoutUnconfirmed: true });

    await expect(markB2cPayoutFailed(club.actors.VIEWER, { disbursementId: id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await markB2cPayoutFailed(club.actors.TREASURER, { disbursementId: id });
    expect(await disbursement(id)).toEqual({ status: "APPROVED", paymentId: null });
    expect(await ledger(reference)).toMatchObject({ status: "FAILED", failureReason: expect.stringContaining("marked it failed") });
    expect((await trail(id)).at(-1)).toMatchObject({ action: "welfare_disbursement.mpesa_marked_failed", actorLabel: expect.not.stringMatching(/^mpesa$/) });
    await expect(markB2cPayoutFailed(club.actors.TREASURER, { disbursementId: id })).rejects.toMatchObject({ code: "CONFLICT" });

    // M-Pesa saying "paid" after all changes nothing here, and says so loudly: money to look at by hand.
    const token = (await darajaCredential(club.id))!.callbackToken;
    const late = {
      Result: {
        ResultType: 0,
        ResultCode: 0,
        ResultDesc: "The service request is processed successfully.",
        OriginatorConversationID: "10000-20000000-1",
        ConversationID: "AG_20261203_late",
        ResultParameters: {
          ResultParameter: [
            { Key: "OriginatorConversationID", Value: reference },
            { Key: "TransactionStatus", Value: "Completed" },
            { Key: "Amount", Value: 1500 },
            { Key: "ReceiptNo", Value: "TLA1B2C3D4" },
          ],
        },
      },
    };
    const settled = await auditCount();
    const host = `${club.slug}.localhost:${answers.port}`;
    const lateAnswer = await captureLogLines(() => post(answers.port, { host, path: `/api/webhooks/mpesa/${token}/b2c/status`, body: JSON.stringify(late), from: SAFARICOM }));
    expect(lateAnswer.outcome).toMatchObject({ status: "fulfilled", value: { status: 200 } });
    expect(lateAnswer.lines).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringContaining("check it by hand") }));
    expect(await auditCount()).toBe(settled);
    expect((await disbursement(id)).status).toBe("APPROVED");
  });

  test("[P5] a status answer with a wrong token, from off the allow-list, or malformed is refused and changes nothing", async () => {
    const token = (await darajaCredential(club.id))!.callbackToken;
    const before = await auditCount();
    const body = JSON.stringify({ Result: { ResultCode: 0, ResultDesc: "ok", ResultParameters: { ResultParameter: [{ Key: "OriginatorConversationID", Value: randomUUID() }, { Key: "TransactionStatus", Value: "Failed" }] } } });
    const host = `${club.slug}.localhost:${answers.port}`;
    const path = `/api/webhooks/mpesa/${token}/b2c/status`;
    expect((await post(answers.port, { host, path: `/api/webhooks/mpesa/not-${token}/b2c/status`, body, from: SAFARICOM })).status).toBe(404);
    expect((await post(answers.port, { host, path, body, from: "127.0.0.1" })).status).toBe(404);
    expect((await post(answers.port, { host, path, body: "{}", from: SAFARICOM })).status).toBe(400);
    expect(await auditCount()).toBe(before);
  });
});

describe("[P5] a payout M-Pesa never confirms, found on the club's M-Pesa statement", () => {
  const today = () => new Date().toISOString().slice(0, 10);
  const receiptNumber = () => `TLP${randomBytes(4).toString("hex").toUpperCase().slice(0, 7)}`;
  const ledgerOf = (id: string) =>
    withTenant(club.id, async (tx) => {
      const { paymentId } = await tx.welfareDisbursement.findUniqueOrThrow({ where: { id }, select: { paymentId: true } });
      return tx.payment.findUniqueOrThrow({ where: { id: paymentId! }, select: { reference: true, status: true, mpesaReceipt: true, paidAt: true, amountMinor: true } });
    });
  const entries = (id: string, action: string) =>
    withTenant(club.id, (tx) => tx.auditEntry.findMany({ where: { targetId: id, action }, orderBy: { seq: "asc" }, select: { actorLabel: true, summary: true, before: true, after: true } }));

  /** Paid by the stand-in (a phone ending in 0005) with its result lost; `hoursAgo` since it was sent. */
  async function unconfirmed(hoursAgo: number) {
    const { id, caseId } = await approved("0712 340 005");
    const reference = await pay(id);
    await owner.query("UPDATE payment SET created_at = now() - make_interval(hours => $2) WHERE reference = $1", [reference, hoursAgo]);
    return { id, caseId, reference };
  }

  test("[P5] refused before M-Pesa has had a day to confirm: nothing changes", async () => {
    const { id, caseId, reference } = await unconfirmed(23);
    const before = await auditCount();
    await expect(recordB2cPayoutPaid(club.actors.TREASURER, { disbursementId: id, receipt: receiptNumber(), paidOn: today() })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("24 hours"),
    });
    expect(await auditCount()).toBe(before);
    expect(await disbursement(id)).toMatchObject({ status: "PAYING" });
    expect(await ledger(reference)).toMatchObject({ status: "PENDING", mpesaReceipt: null });
    expect((await getWelfareCase(club.actors.TREASURER, caseId)).disbursements[0]).toMatchObject({ status: "PAYING", payoutUnconfirmed: false });
  });

  test("[P5] after a day a treasurer records it as paid with the statement's receipt and date: the ledger row succeeds, the disbursement is paid, audited with the receipt masked", async () => {
    const { id, caseId, reference } = await unconfirmed(25);
    expect((await getWelfareCase(club.actors.TREASURER, caseId)).disbursements[0]).toMatchObject({ status: "PAYING", payoutUnconfirmed: true });
    const receipt = receiptNumber();
    const paidOn = today();

    // Who may not approve may not record it either; a receipt or date of the wrong shape is refused beside its field.
    await expect(recordB2cPayoutPaid(club.actors.VIEWER, { disbursementId: id, receipt, paidOn })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(recordB2cPayoutPaid(club.actors.TREASURER, { disbursementId: id, receipt: "TL-123", paidOn })).rejects.toMatchObject({
      code: "INVALID",
      fieldErrors: { receipt: [expect.stringContaining("10 letters and digits")] },
    });
    await expect(recordB2cPayoutPaid(club.actors.TREASURER, { disbursementId: id, receipt, paidOn: "2999-01-01" })).rejects.toMatchObject({ code: "INVALID", fieldErrors: { paidOn: [expect.any(String)] } });
    await expect(recordB2cPayoutPaid(club.actors.TREASURER, { disbursementId: id, receipt, paidOn: "2020-01-01" })).rejects.toMatchObject({
      code: "INVALID",
      fieldErrors: { paidOn: [expect.stringContaining("cannot have been paid before")] },
    });
    expect(await disbursement(id)).toMatchObject({ status: "PAYING" });

    // Typed as people copy it: lower case, with spaces around.
    await recordB2cPayoutPaid(club.actors.TREASURER, { disbursementId: id, receipt: ` ${receipt.toLowerCase()} `, paidOn });
    expect((await disbursement(id)).status).toBe("PAID");
    expect(await ledgerOf(id)).toEqual({ reference, status: "SUCCEEDED", mpesaReceipt: receipt, paidAt: new Date(`${paidOn}T12:00:00Z`), amountMinor: 150_000 });
    // Encrypted at rest, like every M-Pesa receipt.
    const stored = await owner.query<{ mpesa_receipt: string }>("SELECT mpesa_receipt FROM payment WHERE reference = $1", [reference]);
    expect(stored.rows[0].mpesa_receipt).not.toContain(receipt);
    const [entry, ...more] = await entries(id, "welfare_disbursement.mpesa_recorded_paid");
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actorLabel: expect.not.stringMatching(/^mpesa$/),
      summary: expect.stringContaining("recorded as paid"),
      before: { status: "PAYING", payment: { status: "PENDING", mpesaReceipt: null, paidAt: null } },
      after: { status: "PAID", payment: { status: "SUCCEEDED", mpesaReceipt: "[set]", paidAt: `${paidOn}T12:00:00.000Z` } },
    });
    expect(JSON.stringify(entry)).not.toContain(receipt);
    expect((await getWelfareCase(club.actors.TREASURER, caseId)).disbursements[0]).toMatchObject({ status: "PAID", payoutUnconfirmed: false });

    // Settled: neither action applies again.
    const settled = await auditCount();
    await expect(recordB2cPayoutPaid(club.actors.TREASURER, { disbursementId: id, receipt: receiptNumber(), paidOn })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(markB2cPayoutFailed(club.actors.TREASURER, { disbursementId: id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await auditCount()).toBe(settled);
  });

  test("[P5] a receipt already in the club's ledger is refused beside its field, and nothing changes", async () => {
    const first = await unconfirmed(25);
    const second = await unconfirmed(25);
    const receipt = receiptNumber();
    await recordB2cPayoutPaid(club.actors.TREASURER, { disbursementId: first.id, receipt, paidOn: today() });
    const before = await auditCount();
    await expect(recordB2cPayoutPaid(club.actors.TREASURER, { disbursementId: second.id, receipt: receipt.toLowerCase(), paidOn: today() })).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { receipt: ["This M-Pesa receipt is already recorded."] },
    });
    expect(await auditCount()).toBe(before);
    expect(await disbursement(second.id)).toMatchObject({ status: "PAYING" });
    expect(await ledger(second.reference)).toMatchObject({ status: "PENDING", mpesaReceipt: null });
  });

  test("[P5] a result or status answer arriving after it was recorded as paid changes nothing", async () => {
    const { id, reference } = await unconfirmed(25);
    const receipt = receiptNumber();
    await recordB2cPayoutPaid(club.actors.TREASURER, { disbursementId: id, receipt, paidOn: today() });
    const recorded = await ledgerOf(id);
    const settled = await auditCount();
    const token = (await darajaCredential(club.id))!.callbackToken;
    const host = `${club.slug}.localhost:${results.port}`;
    const result = {
      Result: {
        ResultType: 0,
        ResultCode: 0,
        ResultDesc: "The service request is processed successfully.",
        OriginatorConversationID: reference,
        ConversationID: "AG_20261203_late",
        TransactionID: receipt,
        ResultParameters: {
          ResultParameter: [
            { Key: "TransactionAmount", Value: 1500 },
            { Key: "TransactionReceipt", Value: receipt },
            { Key: "TransactionCompletedDateTime", Value: "03.12.2026 09:15:00" },
          ],
        },
      },
    };
    const lateResult = await captureLogLines(() => post(results.port, { host, path: `/api/webhooks/mpesa/${token}/b2c`, body: JSON.stringify(result), from: SAFARICOM }));
    expect(lateResult.outcome).toMatchObject({ status: "fulfilled", value: { status: 200 } });
    expect(lateResult.lines).toContainEqual(expect.objectContaining({ message: expect.stringContaining("duplicate: ignored") }));

    const failed = { Result: { ResultType: 0, ResultCode: 0, ResultDesc: "ok", ResultParameters: { ResultParameter: [{ Key: "OriginatorConversationID", Value: reference }, { Key: "TransactionStatus", Value: "Failed" }] } } };
    const statusHost = `${club.slug}.localhost:${answers.port}`;
    const lateAnswer = await captureLogLines(() => post(answers.port, { host: statusHost, path: `/api/webhooks/mpesa/${token}/b2c/status`, body: JSON.stringify(failed), from: SAFARICOM }));
    expect(lateAnswer.outcome).toMatchObject({ status: "fulfilled", value: { status: 200 } });
    expect(lateAnswer.lines).toContainEqual(expect.objectContaining({ message: expect.stringContaining("duplicate: ignored") }));

    expect(await auditCount()).toBe(settled);
    expect((await disbursement(id)).status).toBe("PAID");
    expect(await ledgerOf(id)).toEqual(recorded);
  });
});
