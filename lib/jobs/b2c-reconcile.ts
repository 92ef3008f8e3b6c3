import { env } from "../env";
import { logError, logEvent } from "../log";
import { withPlatform } from "../db/platform";
import { darajaClient, DarajaError, type DarajaClient } from "../payments/daraja";
import { darajaCredential } from "../payments/credentials";
import { PAYOUT_UNCONFIRMED_AFTER_MS } from "../queries/welfare-cases";
import { organizationOrigin } from "../tenancy/origin";
import { defineJob } from "./registry";

/**
 * The safety net under B2C result callbacks (welfare payouts): a result may
 * be lost, or arrive while we could not record it. Every minute, each payout
 * still pending after ASK_AFTER_MS is asked about with Transaction Status;
 * Daraja answers at the club's verified webhook (…/b2c/status), which settles
 * through the same mutations as the result, so settling twice stays
 * impossible and a result racing the query changes nothing. A payout M-Pesa
 * has not confirmed within PAYOUT_UNCONFIRMED_AFTER_MS is no longer asked
 * about and is never failed here (money may have left): the case page flags
 * it for a treasurer to check the statement and mark it failed or record it paid.
 */
const ASK_AFTER_MS = 5 * 60_000;
/** At most this many questions per run; the rest wait a minute. */
const BATCH = 100;

export type B2cReconcileSummary = { asked: number; skipped: number; errors: number };

type Client = { client: DarajaClient; initiatorName: string; securityCredential: string; resultUrl: string } | null;

export async function reconcileB2cPayouts(options: { now?: Date } = {}): Promise<B2cReconcileSummary> {
  const now = options.now ?? new Date();
  const pending = await withPlatform((tx) =>
    tx.payment.findMany({
      where: {
        method: "MPESA",
        kind: "DISBURSEMENT",
        status: "PENDING",
        reference: { not: null },
        createdAt: { lt: new Date(now.getTime() - ASK_AFTER_MS), gte: new Date(now.getTime() - PAYOUT_UNCONFIRMED_AFTER_MS) },
      },
      select: { organizationId: true, reference: true, organization: { select: { slug: true } } },
      orderBy: { createdAt: "asc" },
      take: BATCH,
    }),
  );
  const summary: B2cReconcileSummary = { asked: 0, skipped: 0, errors: 0 };
  const clients = new Map<string, Client>();
  for (const payout of pending) {
    const originatorConversationId = payout.reference!;
    const { organizationId } = payout;
    const context = { organizationId, originatorConversationId };
    try {
      if (!clients.has(organizationId)) clients.set(organizationId, await clientFor(organizationId, payout.organization.slug));
      const setup = clients.get(organizationId);
      if (!setup) {
        // The club removed its B2C setup since paying: nobody to ask; the payout is flagged after PAYOUT_UNCONFIRMED_AFTER_MS.
        summary.skipped += 1;
        continue;
      }
      await setup.client.transactionStatus({
        originatorConversationId,
        initiatorName: setup.initiatorName,
        securityCredential: setup.securityCredential,
        resultUrl: setup.resultUrl,
        queueTimeoutUrl: setup.resultUrl,
        remarks: "Welfare payout status",
        occasion: originatorConversationId,
      });
      summary.asked += 1;
    } catch (error) {
      if (error instanceof DarajaError) logEvent("warn", "mpesa b2c status query failed", { ...context, error: error.message });
      else logError("mpesa b2c reconcile failed for one payout", error, context);
      summary.errors += 1;
    }
  }
  if (pending.length > 0) logEvent("info", "mpesa b2c reconcile", summary);
  return summary;
}

async function clientFor(organizationId: string, slug: string): Promise<Client> {
  const credential = await darajaCredential(organizationId);
  if (!credential?.initiatorName || !credential.securityCredential) return null;
  return {
    client: darajaClient({ baseUrl: env().DARAJA_BASE_URL, ...credential }),
    initiatorName: credential.initiatorName,
    securityCredential: credential.securityCredential,
    resultUrl: `${organizationOrigin(slug)}/api/webhooks/mpesa/${credential.callbackToken}/b2c/status`,
  };
}

export const b2cReconcile = defineJob({
  name: "payments.b2c-reconcile",
  schedule: "* * * * *",
  run: async () => {
    await reconcileB2cPayouts();
  },
  // One run at a time; a failed run is not retried, the next minute's is the retry.
  options: { policy: "singleton", retryLimit: 0, expireInSeconds: 300 },
});
