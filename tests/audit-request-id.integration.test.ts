import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { POST } from "@/app/api/webhooks/stripe/route";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { AUDIT_ROW_SELECT } from "@/lib/db/audit-chain";
import { verifyChain } from "@/lib/audit/verify";
import { env } from "@/lib/env";
import { setPaymentCredential } from "@/lib/services/payment-credentials";
import { newPaymentIntentId, paymentIntentSucceeded, signatureFor } from "../scripts/lib/stripe-events";
import { connectAs } from "./support/database";
import { createTestInvoice } from "./support/dues";
import { createTestOrganization, type TestOrganization } from "./support/organizations";
import { captureLogLines } from "./support/stderr";

/**
 * A request's id on the audit entries it writes (promise M10.1: a request id
 * on every request, propagated to jobs and audit entries): a signed Stripe
 * webhook through the real route handler, carrying a proxy's X-Request-Id.
 */
const SECRET = "whsec_auditRequestIdKilimani";
let club: TestOrganization;
let owner: pg.Client;

beforeAll(async () => {
  club = await createTestOrganization("audit-reqid");
  await setPaymentCredential(club.actors.OWNER, { provider: "STRIPE", secretKey: "sk_test_auditRequestId", webhookSecret: SECRET });
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner.end();
  await disconnectAll();
});

const entriesAfter = async (seq: bigint) =>
  (await owner.query<{ action: string; request_id: string | null; seq: string }>("SELECT action, request_id, seq::text FROM audit_entry WHERE organization_id = $1 AND seq > $2 ORDER BY seq", [club.id, seq]))
    .rows;
const headSeq = async () => BigInt((await owner.query<{ seq: string }>("SELECT coalesce(max(seq), 0)::text AS seq FROM audit_entry WHERE organization_id = $1", [club.id])).rows[0]!.seq);

describe("[M10.1] the request id on audit entries", () => {
  test("[M10.1] a request with X-Request-Id writes audit entries carrying it, and its log lines carry the same id", async () => {
    const requestId = "abc-proxy-7f3a9c21e0";
    const { invoice } = await createTestInvoice(club, { amount: "1500" });
    const before = await headSeq();
    const delivery = paymentIntentSucceeded({ organizationId: club.id, invoiceId: invoice.id, paymentIntentId: newPaymentIntentId(), amountMinor: 150_000, currency: "KES" });
    const host = `${club.slug}.localhost`;
    const { lines, outcome } = await captureLogLines(() =>
      POST(
        new Request(`http://${host}/api/webhooks/stripe`, {
          method: "POST",
          headers: { host, "content-type": "application/json", "stripe-signature": signatureFor(delivery.payload, SECRET), "x-request-id": requestId },
          body: delivery.payload,
        }),
        undefined,
      ),
    );
    expect(outcome.status === "fulfilled" && outcome.value.status).toBe(200);

    const written = await entriesAfter(before);
    expect(written.length).toBeGreaterThan(0);
    expect(written.map((e) => [e.action, e.request_id])).toEqual(written.map((e) => [e.action, requestId]));
    expect(lines).toContainEqual(expect.objectContaining({ message: "stripe webhook received", requestId }));
    expect(lines.every((line) => line.requestId === requestId)).toBe(true);
  });

  test("[M10.1] the request id is outside the hash: the chain verifies with it, and an entry written outside any request has none", async () => {
    const before = await headSeq();
    await createTestInvoice(club, { amount: "900" });
    expect((await entriesAfter(before)).map((e) => e.request_id)).toEqual((await entriesAfter(before)).map(() => null));
    const verdict = await verifyChain((after, limit) =>
      withTenant(club.id, (tx) =>
        tx.auditEntry.findMany({
          where: after ? { seq: { gte: after.seq }, OR: [{ seq: { gt: after.seq } }, { id: { gt: after.id } }] } : {},
          orderBy: [{ seq: "asc" }, { id: "asc" }],
          take: limit,
          select: AUDIT_ROW_SELECT,
        }),
      ),
    { keys: env().auditKeys.keys });
    expect(verdict.ok).toBe(true);
  });
});
