import { isAppError } from "../errors";
import { env } from "../env";
import { logError, logEvent } from "../log";
import { withPlatform } from "../db/platform";
import { darajaClient, DarajaError, type DarajaClient } from "../payments/daraja";
import { darajaCredential } from "../payments/credentials";
import { mpesaResultMessage } from "../schemas/mpesa-callbacks";
import { emailReceipt } from "../services/donor-receipts";
import { mpesaActor, settleMpesaFailed, settleMpesaPaid } from "../services/mpesa-payments";
import { defineJob } from "./registry";

/**
 * The safety net under STK callbacks: a callback may time out (1037, not
 * final), be lost, or arrive while we could not record it. Every minute, each
 * M-Pesa payment still pending after a minute is asked about with STK Push
 * Query and settled through the same mutations the callback uses, by `mpesa`
 * (paid: no receipt number, the query does not give one). A payment M-Pesa
 * has not settled within EXPIRE_AFTER_MS is closed as failed. Settling twice is
 * refused by the mutations, so a callback racing this job changes nothing.
 */
const ASK_AFTER_MS = 60_000;
const EXPIRE_AFTER_MS = 60 * 60_000;
/** At most this many per run; the rest wait a minute. */
const BATCH = 200;
const TIMED_OUT = 1037;

export type ReconcileSummary = { checked: number; paid: number; failed: number; expired: number; stillPending: number; errors: number };

export async function reconcileMpesaPayments(options: { now?: Date } = {}): Promise<ReconcileSummary> {
  const now = options.now ?? new Date();
  const pending = await withPlatform((tx) =>
    tx.payment.findMany({
      where: { method: "MPESA", kind: "PAYMENT", status: "PENDING", reference: { not: null }, createdAt: { lt: new Date(now.getTime() - ASK_AFTER_MS) } },
      select: { organizationId: true, reference: true, amountMinor: true, createdAt: true },
      orderBy: { createdAt: "asc" },
      take: BATCH,
    }),
  );
  const summary: ReconcileSummary = { checked: 0, paid: 0, failed: 0, expired: 0, stillPending: 0, errors: 0 };
  const clients = new Map<string, DarajaClient | null>();
  for (const payment of pending) {
    const checkoutRequestId = payment.reference!;
    const { organizationId } = payment;
    const context = { organizationId, checkoutRequestId };
    summary.checked += 1;
    try {
      if (!clients.has(organizationId)) {
        const credential = await darajaCredential(organizationId);
        clients.set(organizationId, credential && darajaClient({ baseUrl: env().DARAJA_BASE_URL, ...credential }));
      }
      const client = clients.get(organizationId);
      const answer = client ? await client.stkQuery(checkoutRequestId).catch((error: unknown) => unanswered(error, context)) : null;
      const actor = mpesaActor(organizationId);
      const rawPayload = JSON.stringify({ source: "stk-query", at: now.toISOString(), answer });
      if (answer?.state === "final" && answer.resultCode === 0) {
        const paid = await settleMpesaPaid(actor, { checkoutRequestId, receiptNumber: null, amountMinor: payment.amountMinor, paidAt: now, rawPayload });
        if (paid.receiptId) await emailReceipt(organizationId, paid.receiptId);
        summary.paid += 1;
      } else if (answer?.state === "final" && answer.resultCode !== TIMED_OUT) {
        await settleMpesaFailed(actor, { checkoutRequestId, resultCode: answer.resultCode, reason: mpesaResultMessage(answer.resultCode), rawPayload });
        summary.failed += 1;
      } else if (now.getTime() - payment.createdAt.getTime() > EXPIRE_AFTER_MS) {
        const reason = "M-Pesa never confirmed this payment, so it was closed. If money left your account, the club's treasurer can record it from your M-Pesa message.";
        await settleMpesaFailed(actor, { checkoutRequestId, resultCode: null, reason, rawPayload });
        logEvent("info", "mpesa payment expired unconfirmed", context);
        summary.expired += 1;
      } else {
        summary.stillPending += 1;
      }
    } catch (error) {
      if (isAppError(error, "CONFLICT")) continue; // a callback settled it meanwhile
      logError("mpesa reconcile failed for one payment", error, context);
      summary.errors += 1;
    }
  }
  if (summary.checked > 0) logEvent("info", "mpesa reconcile", summary);
  return summary;
}

/** Daraja did not answer usably this time: logged, and asked again next minute (or expired). */
function unanswered(error: unknown, context: Record<string, unknown>): null {
  if (!(error instanceof DarajaError)) throw error;
  logEvent("warn", "mpesa status query failed", { ...context, error: error.message });
  return null;
}

export const mpesaReconcile = defineJob({
  name: "payments.mpesa-reconcile",
  schedule: "* * * * *",
  run: async () => {
    await reconcileMpesaPayments();
  },
  // One run at a time; a failed run is not retried, the next minute's is the retry.
  options: { policy: "singleton", retryLimit: 0, expireInSeconds: 300 },
});
