import { randomUUID } from "node:crypto";
import { z } from "zod";
import { auditDiff } from "../audit/redact";
import type { Actor } from "../authz/actor";
import { indexMatch } from "../db/search-index";
import type { TenantTx } from "../db/tenant";
import { formatMoney, parseMoney } from "../dues/money";
import { env } from "../env";
import { conflictError, invalidError, isAppError, notFoundError } from "../errors";
import { logError, logEvent } from "../log";
import { darajaCredential } from "../payments/credentials";
import { darajaClient, DarajaError } from "../payments/daraja";
import { mpesaPayoutByReference } from "../queries/payments";
import { disbursementToPay, PAYOUT_UNCONFIRMED_AFTER_MS } from "../queries/welfare-cases";
import { b2cResultBody, b2cStatusResultBody } from "../schemas/b2c-results";
import {
  decideDisbursementInput,
  markB2cPayoutFailedInput,
  payDisbursementByMpesaInput,
  recordB2cPayoutPaidInput,
  recordDisbursementPaidInput,
  requestDisbursementInput,
  settleB2cFailedInput,
  settleB2cPaidInput,
  startB2cPayoutInput,
} from "../schemas/welfare-cases";
import { mpesaActor } from "./mpesa-payments";
import { defineMutation } from "./mutation";
import { onUniqueViolation } from "./unique-violation";

/**
 * Welfare disbursements, maker-checker (promise P5): one person requests, a
 * holder of welfare:approve who is NOT the requester approves or rejects,
 * whatever else they hold (an owner who requests cannot approve either). The
 * rule lives here, in the conditional UPDATE itself, so a forged form or a
 * direct call is refused the same way the missing button says. Paying moves
 * money through the one ledger (`payment`, kind DISBURSEMENT): cash or bank
 * with a reference, or M-Pesa B2C through Daraja, settled by its result callback
 * or, when that never comes, by the answer to a Transaction Status query
 * (lib/jobs/b2c-reconcile.ts); one M-Pesa never confirms is left for a
 * treasurer to check against the statement and mark failed or record as paid.
 */

const OWN_REQUEST = "You requested this disbursement, so another treasurer must approve or reject it.";
const NOT_PENDING: Record<string, string> = {
  APPROVED: "This disbursement is already approved.",
  REJECTED: "This disbursement was rejected; it cannot be approved or rejected again.",
  PAYING: "This disbursement is already approved and being paid.",
  PAID: "This disbursement is already paid.",
};
const NOT_PAYABLE = "Only an approved disbursement can be paid.";
const UNAVAILABLE = "M-Pesa is not answering right now. Please try again in a few minutes, or pay in cash or by bank.";
const DUPLICATE_REFERENCE = "This reference is already recorded.";
const DUPLICATE_RECEIPT = "This M-Pesa receipt is already recorded.";

const SELECT = { id: true, caseId: true, amountMinor: true, currency: true, method: true, phone: true, reason: true, status: true, requestedById: true, decidedById: true, paymentId: true } as const;

async function disbursementOf(tx: TenantTx, id: string) {
  const found = await tx.welfareDisbursement.findUnique({ where: { id }, select: SELECT });
  if (!found) throw notFoundError();
  return found;
}

export const requestDisbursement = defineMutation({
  action: "welfare_disbursement.request",
  capability: "welfare:write",
  input: requestDisbursementInput,
  run: async (tx, input, actor) => {
    const welfareCase = await tx.welfareCase.findUnique({ where: { id: input.caseId }, select: { id: true, status: true } });
    if (!welfareCase) throw notFoundError();
    if (welfareCase.status === "CLOSED") throw invalidError("This case is closed; it takes no new disbursements.");
    const amountMinor = parseMoney(input.amount, input.currency);
    if (amountMinor === null || amountMinor <= 0) throw invalidError("Please correct the highlighted fields.", { amount: [`Enter an amount in ${input.currency}`] });
    if (input.method === "MPESA" && (input.currency !== "KES" || amountMinor % 100 !== 0)) {
      throw invalidError("Please correct the highlighted fields.", { amount: ["M-Pesa pays whole Kenyan shillings only"] });
    }
    const created = await tx.welfareDisbursement.create({
      data: { organizationId: actor.organizationId, caseId: welfareCase.id, amountMinor, currency: input.currency, method: input.method, phone: input.phone, reason: input.reason, requestedById: actor.userId! },
      select: SELECT,
    });
    const { id, ...after } = created;
    return {
      result: { id, caseId: welfareCase.id },
      audit: { summary: `Disbursement of ${formatMoney(amountMinor, input.currency)} requested`, targetType: "WelfareDisbursement", targetId: id, ...auditDiff("WelfareDisbursement", null, after) },
    };
  },
});

/**
 * Approve or reject: only a REQUESTED disbursement, only by someone other than
 * its requester, in one conditional UPDATE (of two concurrent decisions one wins).
 * The first approval moves its case from OPEN to APPROVED.
 */
function decide(decision: "APPROVED" | "REJECTED") {
  return async (tx: TenantTx, { disbursementId }: { disbursementId: string }, actor: Actor) => {
    const before = await disbursementOf(tx, disbursementId);
    if (before.requestedById === actor.userId) throw invalidError(OWN_REQUEST);
    if (before.status !== "REQUESTED") throw conflictError(NOT_PENDING[before.status] ?? NOT_PAYABLE);
    const decidedAt = new Date();
    const { count } = await tx.welfareDisbursement.updateMany({
      where: { id: disbursementId, organizationId: actor.organizationId, status: "REQUESTED", requestedById: { not: actor.userId! } },
      data: { status: decision, decidedById: actor.userId, decidedAt },
    });
    if (count === 0) throw conflictError("This disbursement was decided a moment ago.");
    const caseChange =
      decision === "APPROVED" ? await tx.welfareCase.updateMany({ where: { id: before.caseId, status: "OPEN" }, data: { status: "APPROVED" } }) : { count: 0 };
    const diff = auditDiff("WelfareDisbursement", { status: before.status, decidedById: null }, { status: decision, decidedById: actor.userId });
    return {
      result: { id: disbursementId, caseId: before.caseId },
      audit: {
        summary: `Disbursement of ${formatMoney(before.amountMinor, before.currency)} ${decision === "APPROVED" ? "approved" : "rejected"}`,
        targetType: "WelfareDisbursement",
        targetId: disbursementId,
        before: { ...diff.before, ...(caseChange.count ? { caseStatus: "OPEN" } : {}) },
        after: { ...diff.after, ...(caseChange.count ? { caseStatus: "APPROVED" } : {}) },
      },
    };
  };
}

export const approveDisbursement = defineMutation({ action: "welfare_disbursement.approve", capability: "welfare:approve", input: decideDisbursementInput, run: decide("APPROVED") });
export const rejectDisbursement = defineMutation({ action: "welfare_disbursement.reject", capability: "welfare:approve", input: decideDisbursementInput, run: decide("REJECTED") });

/** An approved disbursement handed over in cash or by bank transfer: a succeeded DISBURSEMENT row in the ledger. */
export const recordDisbursementPaid = defineMutation({
  action: "welfare_disbursement.record_paid",
  capability: "welfare:approve",
  input: recordDisbursementPaidInput,
  run: async (tx, input, actor) => {
    const before = await disbursementOf(tx, input.disbursementId);
    if (before.status !== "APPROVED") throw conflictError(before.status === "PAID" ? NOT_PENDING.PAID : NOT_PAYABLE);
    const payment = await tx.payment
      .create({
        data: {
          organizationId: actor.organizationId,
          kind: "DISBURSEMENT",
          method: input.method,
          status: "SUCCEEDED",
          amountMinor: before.amountMinor,
          currency: before.currency,
          reference: input.reference,
          paidAt: new Date(),
          recordedById: actor.userId,
        },
        select: { id: true, method: true, amountMinor: true, currency: true, reference: true },
      })
      .catch(onUniqueViolation({ reference: ["reference", DUPLICATE_REFERENCE] }));
    const { count } = await tx.welfareDisbursement.updateMany({ where: { id: before.id, status: "APPROVED" }, data: { status: "PAID", method: input.method, paymentId: payment.id } });
    if (count === 0) throw conflictError(NOT_PAYABLE);
    return {
      result: { id: before.id, caseId: before.caseId },
      audit: {
        summary: `Disbursement paid by ${input.method.toLowerCase()}`,
        targetType: "WelfareDisbursement",
        targetId: before.id,
        before: { status: before.status, method: before.method, paymentId: null },
        after: { status: "PAID", method: input.method, payment },
      },
    };
  },
});

/**
 * The payout about to be asked of Daraja: the disbursement becomes PAYING and
 * a pending DISBURSEMENT row, whose reference is our OriginatorConversationID,
 * waits for the result callback. Recorded before Daraja is called, so a result
 * that comes back at once always finds it.
 */
export const startB2cPayout = defineMutation({
  action: "welfare_disbursement.mpesa_requested",
  capability: "welfare:approve",
  input: startB2cPayoutInput,
  run: async (tx, input, actor) => {
    const before = await disbursementOf(tx, input.disbursementId);
    if (before.status !== "APPROVED") throw conflictError(before.status === "PAID" || before.status === "PAYING" ? NOT_PENDING[before.status]! : NOT_PAYABLE);
    if (before.method !== "MPESA" || !before.phone) throw invalidError("This disbursement is not to an M-Pesa phone; record it as paid in cash or by bank.");
    const payment = await tx.payment.create({
      data: {
        organizationId: actor.organizationId,
        kind: "DISBURSEMENT",
        method: "MPESA",
        status: "PENDING",
        amountMinor: before.amountMinor,
        currency: before.currency,
        reference: input.originatorConversationId,
        payerPhone: before.phone,
        recordedById: actor.userId,
      },
      select: { id: true, status: true, amountMinor: true, reference: true },
    });
    const { count } = await tx.welfareDisbursement.updateMany({ where: { id: before.id, status: "APPROVED" }, data: { status: "PAYING", paymentId: payment.id } });
    if (count === 0) throw conflictError(NOT_PAYABLE);
    return {
      result: { id: before.id, caseId: before.caseId, amountMinor: before.amountMinor, phone: before.phone, paymentId: payment.id },
      audit: {
        summary: "Disbursement sent to M-Pesa (B2C)",
        targetType: "WelfareDisbursement",
        targetId: before.id,
        before: { status: "APPROVED", paymentId: null },
        after: { status: "PAYING", payment },
      },
    };
  },
});

async function pendingPayout(tx: TenantTx, originatorConversationId: string) {
  const payment = await tx.payment.findFirst({
    where: { method: "MPESA", kind: "DISBURSEMENT", reference: originatorConversationId },
    select: { id: true, status: true, amountMinor: true },
  });
  if (!payment) throw notFoundError();
  if (payment.status !== "PENDING") throw conflictError("This payout is already settled.");
  const disbursement = await tx.welfareDisbursement.findUnique({ where: { paymentId: payment.id }, select: { id: true, caseId: true } });
  if (!disbursement) throw notFoundError();
  return { payment, disbursement };
}

/** Daraja says the money reached the phone: the ledger row succeeds with its encrypted receipt, the disbursement is paid. */
export const settleB2cPaid = defineMutation({
  action: "welfare_disbursement.mpesa_paid",
  capability: "payments:settle",
  input: settleB2cPaidInput,
  run: async (tx, input, actor) => {
    const { payment, disbursement } = await pendingPayout(tx, input.originatorConversationId);
    if (input.amountMinor !== payment.amountMinor) throw invalidError("The amount paid out is not the amount approved.");
    const { count } = await tx.payment.updateMany({ where: { id: payment.id, status: "PENDING" }, data: { status: "SUCCEEDED", paidAt: input.paidAt } });
    if (count === 0) throw conflictError("This payout is already settled.");
    await tx.payment
      .update({ where: { id: payment.id, organizationId: actor.organizationId }, data: { mpesaReceipt: input.transactionReceipt, rawPayload: input.rawPayload }, select: { id: true } })
      .catch(onUniqueViolation({ mpesa_receipt_index: ["receipt", DUPLICATE_RECEIPT] }));
    await tx.welfareDisbursement.update({ where: { id: disbursement.id }, data: { status: "PAID" }, select: { id: true } });
    const diff = auditDiff("Payment", { status: "PENDING", mpesaReceipt: null, paidAt: null }, { status: "SUCCEEDED", mpesaReceipt: input.transactionReceipt, paidAt: input.paidAt });
    return {
      result: { id: disbursement.id, caseId: disbursement.caseId },
      audit: {
        summary: `Disbursement paid: confirmed by M-Pesa (B2C ${input.source})`,
        targetType: "WelfareDisbursement",
        targetId: disbursement.id,
        before: { status: "PAYING", payment: { id: payment.id, ...diff.before } },
        after: { status: "PAID", payment: { id: payment.id, ...diff.after } },
      },
    };
  },
});

/** The payout did not happen (Daraja refused it, or its result says so): the row fails and the disbursement is approved again, payable anew. */
export const settleB2cFailed = defineMutation({
  action: "welfare_disbursement.mpesa_failed",
  capability: "payments:settle",
  input: settleB2cFailedInput,
  run: async (tx, input, actor) => {
    const { payment, disbursement } = await pendingPayout(tx, input.originatorConversationId);
    const { count } = await tx.payment.updateMany({ where: { id: payment.id, status: "PENDING" }, data: { status: "FAILED", failureReason: input.reason } });
    if (count === 0) throw conflictError("This payout is already settled.");
    if (input.rawPayload) await tx.payment.update({ where: { id: payment.id, organizationId: actor.organizationId }, data: { rawPayload: input.rawPayload }, select: { id: true } });
    await tx.welfareDisbursement.update({ where: { id: disbursement.id }, data: { status: "APPROVED", paymentId: null }, select: { id: true } });
    return {
      result: { id: disbursement.id, caseId: disbursement.caseId },
      audit: {
        summary: `Disbursement payout failed (B2C ${input.source}): ${input.reason}`,
        targetType: "WelfareDisbursement",
        targetId: disbursement.id,
        before: { status: "PAYING", payment: { id: payment.id, status: "PENDING" } },
        after: { status: "APPROVED", payment: { id: payment.id, status: "FAILED", failureReason: input.reason } },
      },
    };
  },
});

/**
 * The payout behind a disbursement M-Pesa has left unconfirmed: still pending,
 * and only once M-Pesa has had PAYOUT_UNCONFIRMED_AFTER_MS to answer, so an
 * answer on its way is not pre-empted by a treasurer's hand.
 */
async function unconfirmedPayout(tx: TenantTx, disbursementId: string, closing: "marked failed" | "recorded as paid") {
  const before = await disbursementOf(tx, disbursementId);
  if (before.status !== "PAYING" || !before.paymentId) throw conflictError(before.status === "PAID" ? NOT_PENDING.PAID! : `Only a payout M-Pesa has not confirmed can be ${closing}.`);
  const payment = await tx.payment.findUnique({ where: { id: before.paymentId }, select: { id: true, status: true, createdAt: true } });
  if (!payment || payment.status !== "PENDING") throw conflictError("This payout is already settled.");
  if (payment.createdAt.getTime() > Date.now() - PAYOUT_UNCONFIRMED_AFTER_MS) {
    throw conflictError(`M-Pesa may still confirm this payout. It can be ${closing} once it has gone unconfirmed for 24 hours.`);
  }
  return { before, payment };
}

/**
 * A treasurer's answer to "M-Pesa has not confirmed this payout" when the
 * club's M-Pesa statement does not show it: the payout is marked failed and the
 * disbursement is approved again, payable anew (its approval stands; nothing
 * about who may approve changes).
 */
export const markB2cPayoutFailed = defineMutation({
  action: "welfare_disbursement.mpesa_marked_failed",
  capability: "welfare:approve",
  input: markB2cPayoutFailedInput,
  run: async (tx, input, actor) => {
    const { before, payment } = await unconfirmedPayout(tx, input.disbursementId, "marked failed");
    const reason = "M-Pesa never confirmed this payout; a treasurer checked the M-Pesa statement and marked it failed.";
    const { count } = await tx.payment.updateMany({ where: { id: payment.id, organizationId: actor.organizationId, status: "PENDING" }, data: { status: "FAILED", failureReason: reason } });
    if (count === 0) throw conflictError("This payout is already settled.");
    await tx.welfareDisbursement.update({ where: { id: before.id }, data: { status: "APPROVED", paymentId: null }, select: { id: true } });
    return {
      result: { id: before.id, caseId: before.caseId },
      audit: {
        summary: "Disbursement payout marked failed by hand: M-Pesa never confirmed it",
        targetType: "WelfareDisbursement",
        targetId: before.id,
        before: { status: "PAYING", payment: { id: payment.id, status: "PENDING" } },
        after: { status: "APPROVED", payment: { id: payment.id, status: "FAILED", failureReason: reason } },
      },
    };
  },
});

/**
 * The same question answered the other way: the statement shows the money
 * left, so the payout succeeds with the statement's receipt (encrypted, unique
 * in the club through its blind index, as any M-Pesa receipt) and the
 * disbursement is paid. A result or status answer arriving later finds it
 * settled and changes nothing.
 */
export const recordB2cPayoutPaid = defineMutation({
  action: "welfare_disbursement.mpesa_recorded_paid",
  capability: "welfare:approve",
  input: recordB2cPayoutPaidInput,
  run: async (tx, input, actor) => {
    const { before, payment } = await unconfirmedPayout(tx, input.disbursementId, "recorded as paid");
    const sentOn = payment.createdAt.toISOString().slice(0, 10);
    if (input.paidOn < sentOn) throw invalidError("Please correct the highlighted fields.", { paidOn: [`The payout was sent on ${sentOn}; it cannot have been paid before`] });
    const receiptIndex = indexMatch(actor.organizationId, "mpesa-receipt", input.receipt);
    if (receiptIndex && (await tx.payment.findFirst({ where: { organizationId: actor.organizationId, mpesaReceiptIndex: receiptIndex }, select: { id: true } }))) {
      throw conflictError(DUPLICATE_RECEIPT, { receipt: [DUPLICATE_RECEIPT] });
    }
    const paidAt = new Date(`${input.paidOn}T12:00:00Z`);
    const { count } = await tx.payment.updateMany({ where: { id: payment.id, organizationId: actor.organizationId, status: "PENDING" }, data: { status: "SUCCEEDED", paidAt } });
    if (count === 0) throw conflictError("This payout is already settled.");
    await tx.payment
      .update({ where: { id: payment.id, organizationId: actor.organizationId }, data: { mpesaReceipt: input.receipt }, select: { id: true } })
      .catch(onUniqueViolation({ mpesa_receipt_index: ["receipt", DUPLICATE_RECEIPT] }));
    await tx.welfareDisbursement.update({ where: { id: before.id }, data: { status: "PAID" }, select: { id: true } });
    const diff = auditDiff("Payment", { status: "PENDING", mpesaReceipt: null, paidAt: null }, { status: "SUCCEEDED", mpesaReceipt: input.receipt, paidAt });
    return {
      result: { id: before.id, caseId: before.caseId },
      audit: {
        summary: "Disbursement payout recorded as paid by hand: M-Pesa never confirmed it, the M-Pesa statement shows it",
        targetType: "WelfareDisbursement",
        targetId: before.id,
        before: { status: "PAYING", payment: { id: payment.id, ...diff.before } },
        after: { status: "PAID", payment: { id: payment.id, ...diff.after } },
      },
    };
  },
});

export type Payer = { actor: Actor; origin: string };

/**
 * "Pay by M-Pesa": records the pending payout, then asks Daraja (B2C) to send
 * the money from the club's shortcode. A refusal fails the payout at once (as
 * the provider's evidence) and the disbursement can be paid again; a request
 * that got no answer in time may still have sent the money, so it stays PAYING
 * for its result or the reconcile job to settle.
 * The result comes back to the club's own origin.
 */
export const payDisbursementByMpesa = Object.assign(
  async (payer: Payer, raw: unknown): Promise<{ id: string; caseId: string }> => {
    const parsed = payDisbursementByMpesaInput.safeParse(raw);
    if (!parsed.success) throw notFoundError();
    // Missing, foreign or forbidden first, then whether it can be paid, and only then the club's setup.
    const payable = await disbursementToPay(payer.actor, parsed.data.disbursementId);
    if (payable.status !== "APPROVED") throw conflictError(payable.status === "PAID" || payable.status === "PAYING" ? NOT_PENDING[payable.status]! : NOT_PAYABLE);
    if (payable.method !== "MPESA") throw invalidError("This disbursement is not to an M-Pesa phone; record it as paid in cash or by bank.");
    const organizationId = payer.actor.organizationId;
    const credential = await darajaCredential(organizationId);
    if (!credential?.initiatorName || !credential.securityCredential) throw invalidError("This club has not set up M-Pesa payouts (B2C) yet; record the payment as cash or bank instead.");
    const originatorConversationId = randomUUID();
    const started = await startB2cPayout(payer.actor, { disbursementId: parsed.data.disbursementId, originatorConversationId });
    const resultUrl = `${payer.origin}/api/webhooks/mpesa/${credential.callbackToken}/b2c`;
    try {
      await darajaClient({ baseUrl: env().DARAJA_BASE_URL, ...credential }).b2cPayment({
        originatorConversationId,
        initiatorName: credential.initiatorName,
        securityCredential: credential.securityCredential,
        amountMinor: started.amountMinor,
        phone: started.phone,
        remarks: "Welfare disbursement",
        resultUrl,
        queueTimeoutUrl: resultUrl,
      });
    } catch (error) {
      if (!(error instanceof DarajaError)) throw error;
      if (error.operation === "b2c" && error.unanswered) {
        // M-Pesa may have sent the money: the payout stays PAYING until its result, or the
        // reconcile job's status query (lib/jobs/b2c-reconcile.ts), says what happened.
        logEvent("warn", "mpesa b2c request unanswered: the payout waits for its result", { organizationId, disbursementId: started.id });
        return { id: started.id, caseId: started.caseId };
      }
      logError("mpesa b2c request failed", error, { organizationId, disbursementId: started.id });
      await settleB2cFailed(mpesaActor(organizationId), { source: "request", originatorConversationId, reason: "M-Pesa did not accept the payout request.", rawPayload: null });
      throw invalidError(UNAVAILABLE);
    }
    return { id: started.id, caseId: started.caseId };
  },
  { capability: "welfare:approve" as const },
);

export type B2cResultOutcome = "paid" | "failed" | "duplicate" | "unknown" | "malformed";

/**
 * One B2C result for an organisation, applied at most once, matched by our
 * OriginatorConversationID; the amount must be the amount approved. Anything
 * that must change nothing leaves a log line; every settlement an audit entry by `mpesa`.
 */
export async function settleB2cResult(organizationId: string, body: unknown, from: { ip: string | null } = { ip: null }): Promise<B2cResultOutcome> {
  const parsed = b2cResultBody.safeParse(body);
  if (!parsed.success) {
    logEvent("warn", "mpesa b2c result malformed: ignored", { organizationId, issues: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) });
    return "malformed";
  }
  const result = parsed.data;
  const context = { organizationId, originatorConversationId: result.originatorConversationId, resultCode: result.resultCode };
  const actor = mpesaActor(organizationId, from.ip);
  const rawPayload = JSON.stringify(body);
  try {
    if (!result.payout) {
      await settleB2cFailed(actor, { originatorConversationId: result.originatorConversationId, reason: `M-Pesa could not pay out (ResultCode ${result.resultCode}).`, rawPayload });
      return "failed";
    }
    const { amountMinor, receipt, completedAt } = result.payout;
    await settleB2cPaid(actor, { originatorConversationId: result.originatorConversationId, transactionReceipt: receipt, amountMinor, paidAt: completedAt ?? new Date(), rawPayload });
    return "paid";
  } catch (error) {
    return notApplied(error, actor, "result", result.payout !== null, context);
  }
}

export type B2cStatusOutcome = B2cResultOutcome | "unanswered";

/**
 * The answer to a Transaction Status query (lib/jobs/b2c-reconcile.ts), at
 * the same verified webhook as the payout's result, settled through the same
 * mutations: "Completed" pays, a failed status fails, anything else (M-Pesa
 * could not say, or holds no such transaction) changes nothing and leaves a
 * log line. Whichever of result and answer comes second is a duplicate.
 */
export async function settleB2cStatusResult(organizationId: string, body: unknown, from: { ip: string | null } = { ip: null }): Promise<B2cStatusOutcome> {
  const parsed = b2cStatusResultBody.safeParse(body);
  if (!parsed.success) {
    logEvent("warn", "mpesa b2c status result malformed: ignored", { organizationId, issues: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) });
    return "malformed";
  }
  const { payoutId, resultCode, outcome } = parsed.data;
  const context = { organizationId, originatorConversationId: payoutId, resultCode, state: outcome.state };
  if (!payoutId || !z.uuid().safeParse(payoutId).success) {
    logEvent("warn", "mpesa b2c status result names no payout of ours: ignored", context);
    return "unknown";
  }
  if (outcome.state === "unanswered") {
    // Not an answer about the money: the payout stays PAYING; asked again, and flagged for a treasurer if this lasts.
    logEvent("info", "mpesa b2c status result without a final answer: payout left pending", context);
    return "unanswered";
  }
  const actor = mpesaActor(organizationId, from.ip);
  const rawPayload = JSON.stringify(body);
  try {
    if (outcome.state === "failed") {
      await settleB2cFailed(actor, { source: "status query", originatorConversationId: payoutId, reason: `M-Pesa reports this payout ${outcome.transactionStatus.toLowerCase()}.`, rawPayload });
      return "failed";
    }
    const { amountMinor, receipt, completedAt } = outcome.payout;
    await settleB2cPaid(actor, { source: "status query", originatorConversationId: payoutId, transactionReceipt: receipt, amountMinor, paidAt: completedAt ?? new Date(), rawPayload });
    return "paid";
  } catch (error) {
    return notApplied(error, actor, "status result", outcome.state === "paid", { ...context, originatorConversationId: payoutId });
  }
}

/**
 * A result that settled nothing: an unknown (or another club's) payout, or
 * an amount other than approved (nothing credited), or one already settled.
 * "Paid" for a payout already closed as failed is money to look at by hand.
 */
async function notApplied(error: unknown, actor: Actor, what: string, paid: boolean, context: { originatorConversationId: string }): Promise<"unknown" | "duplicate"> {
  if (isAppError(error, "NOT_FOUND") || isAppError(error, "INVALID")) {
    logEvent("warn", `mpesa b2c ${what} not applied`, { ...context, reason: error.message });
    return "unknown";
  }
  if (!isAppError(error, "CONFLICT")) throw error;
  if (paid && (await mpesaPayoutByReference(actor, context.originatorConversationId))?.status === "FAILED") logEvent("warn", `mpesa b2c ${what} says paid, but the payout was already closed as failed: check it by hand`, context);
  else logEvent("info", `mpesa b2c ${what} duplicate: ignored`, context);
  return "duplicate";
}
