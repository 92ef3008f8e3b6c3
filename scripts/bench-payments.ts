/**
 * `npm run bench:payments` — Stripe webhook ingestion, exactly once, in
 * events/s, beside bare inserts of the same rows through `pg` in the same run.
 *
 *  - subject: signed `payment_intent.succeeded` deliveries, one per payment
 *    plus 20 % redeliveries, shuffled, 20 at a time, through the real route
 *    handler (tenant from the Host, the club's secret, signature check,
 *    `receiveStripeEvent`: intent lock, stripe_event, ledger row, audit entry);
 *    afterwards every payment must be in the ledger exactly once;
 *  - peer: the same payment and stripe_event rows, 20 at a time over the same
 *    pool size (10), each pair in one tenant transaction as the app role
 *    (BEGIN, set_config, two INSERTs, COMMIT) — nothing else;
 *  - profile: one delivery at a time, where its milliseconds go.
 *
 * Runs on a fresh embedded PostgreSQL it starts and removes itself.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { withBenchDatabase } from "./bench-database";
import { newPaymentIntentId, paymentIntentSucceeded, signatureFor, type Delivery } from "./lib/stripe-events";

const PAYMENTS = 1_500;
const DUPLICATE_SHARE = 0.2;
const CONCURRENCY = 20;
const PROFILED = 200;
const SECRET = "whsec_benchPaymentsKilimani";

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

const shuffled = <T>(items: T[]) => items.map((item) => [Math.random(), item] as const).sort(([a], [b]) => a - b).map(([, item]) => item);

async function main() {
  await withBenchDatabase(async (ownerUrl) => {
    const { platformSystemActor, systemActor } = await import("../lib/authz/actor");
    const { createOrganization } = await import("../lib/services/organizations");
    const { setPaymentCredential } = await import("../lib/services/payment-credentials");
    const { createMember } = await import("../lib/services/members");
    const { createPlan } = await import("../lib/services/dues-plans");
    const { issueInvoice } = await import("../lib/services/dues");
    const { env } = await import("../lib/env");
    const { POST } = await import("../app/api/webhooks/stripe/route");

    const org = await createOrganization(platformSystemActor("bench", ["platform:provision"]), { slug: "kilimani", name: "Kilimani Bench", kind: "CLUB" });
    const admin = systemActor(org.id, "bench", ["members:write", "dues:collect", "billing:manage"]);
    await setPaymentCredential(admin, { provider: "STRIPE", secretKey: "sk_test_benchPayments", webhookSecret: SECRET });
    const plan = await createPlan(admin, { name: "Annual", currency: "KES", amount: "12000", periodKind: "ANNUAL" });
    const invoices: string[] = [];
    for (let i = 0; i < 100; i++) {
      const member = await createMember(admin, { firstName: "Bench", lastName: `Member ${i}` });
      invoices.push((await issueInvoice(admin, { memberId: member.id, planId: plan.id })).id);
    }
    const host = `kilimani.${env().APP_ROOT_DOMAIN}`;
    const payment = (i: number) => ({ organizationId: org.id, invoiceId: invoices[i % invoices.length], paymentIntentId: newPaymentIntentId(), amountMinor: 10_000, currency: "KES" });
    const deliver = async (d: Delivery) => {
      const request = new Request(`http://${host}/api/webhooks/stripe`, { method: "POST", headers: { host, "stripe-signature": signatureFor(d.payload, SECRET) }, body: d.payload });
      const response = await POST(request, undefined);
      if (response.status !== 200) throw new Error(`delivery answered ${response.status}: ${await response.text()}`);
    };
    const quietly = async <T>(fn: () => Promise<T>) => {
      // The route's JSON log lines (one per delivery) would time the terminal, not the ingestion.
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = (() => true) as typeof process.stdout.write;
      try {
        return await fn();
      } finally {
        process.stdout.write = write;
      }
    };

    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    const app = new pg.Pool({ connectionString: env().appDatabaseUrl, max: 10 });
    try {
      // Warm-up: connections, the route module, the credential's decryption.
      await quietly(() => inParallel(Array.from({ length: 40 }, (_, i) => paymentIntentSucceeded(payment(i))), CONCURRENCY, deliver));

      // Peer: bare inserts of the same rows.
      const bareRows = Array.from({ length: PAYMENTS }, (_, i) => ({ eventId: `evt_bare_${i}_${randomUUID()}`, invoiceId: invoices[i % invoices.length], reference: newPaymentIntentId() }));
      let started = performance.now();
      await inParallel(bareRows, CONCURRENCY, (row) => barePair(app, org.id, row.invoiceId, row.reference, row.eventId));
      const bare = PAYMENTS / ((performance.now() - started) / 1000);

      // Subject: the webhook, exactly once.
      const firsts = Array.from({ length: PAYMENTS }, (_, i) => paymentIntentSucceeded(payment(i)));
      const storm = shuffled([...firsts, ...shuffled(firsts).slice(0, PAYMENTS * DUPLICATE_SHARE)]);
      const before = (await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM payment WHERE method = 'CARD' AND reference NOT LIKE '%:%'")).rows[0].n;
      started = performance.now();
      const cpu = process.cpuUsage();
      await quietly(() => inParallel(storm, CONCURRENCY, deliver));
      const seconds = (performance.now() - started) / 1000;
      const { user, system } = process.cpuUsage(cpu);
      const cpuMsPerEvent = (user + system) / 1000 / storm.length;
      const references = firsts.map((d) => (JSON.parse(d.payload) as { data: { object: { id: string } } }).data.object.id);
      const recorded = await owner.query<{ reference: string; n: number }>("SELECT reference, count(*)::int AS n FROM payment WHERE reference = ANY($1::text[]) GROUP BY reference", [references]);
      const after = (await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM payment WHERE method = 'CARD' AND reference NOT LIKE '%:%'")).rows[0].n;
      if (recorded.rows.length !== PAYMENTS || recorded.rows.some((r) => r.n !== 1) || after - before !== PAYMENTS) throw new Error("not exactly once");
      const events = storm.length / seconds;

      // Profile: one delivery at a time, by stage.
      const profile = await quietly(() => profileStages(Array.from({ length: PROFILED }, (_, i) => paymentIntentSucceeded(payment(i))), org.id, host, (reference) => barePair(app, org.id, invoices[0], reference)));

      console.log(`\nStripe webhook ingestion, exactly once (${PAYMENTS} payments + ${storm.length - PAYMENTS} redeliveries, shuffled, ${CONCURRENCY} at a time)\n`);
      console.log(`  bare inserts (peer): ${bare.toFixed(0)} payments/s (payment + stripe_event, one tenant transaction each, pg)`);
      console.log(`  webhook:             ${events.toFixed(0)} events/s = ${(PAYMENTS / seconds).toFixed(0)} payments/s, ${seconds.toFixed(2)} s, each payment once`);
      console.log(`  ratio:               ${((events / bare) * 100).toFixed(0)} % of bare (events), ${((PAYMENTS / seconds / bare) * 100).toFixed(0)} % (payments)`);
      console.log(`  app process CPU:     ${cpuMsPerEvent.toFixed(2)} ms per event (${((cpuMsPerEvent * events) / 10).toFixed(0)} % of one core during the storm)\n`);
      console.log(`  one delivery at a time (${PROFILED}), median ms per stage:`);
      for (const [stage, ms] of Object.entries(profile)) console.log(`    ${stage.padEnd(44)} ${ms.toFixed(2)}`);
    } finally {
      await app.end();
      await owner.end();
    }
  });
}

/** The peer's unit of work: one stripe_event and one payment row in one tenant transaction, through pg. */
async function barePair(app: pg.Pool, organizationId: string, invoiceId: string, reference: string, eventId = `evt_bare_${randomUUID()}`) {
  const client = await app.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.org_id', $1, true)", [organizationId]);
    await client.query("INSERT INTO stripe_event (id, organization_id, type) VALUES ($1, $2, 'payment_intent.succeeded')", [eventId, organizationId]);
    await client.query(
      `INSERT INTO payment (id, organization_id, invoice_id, kind, method, status, amount_minor, currency, reference, paid_at, updated_at)
       VALUES (gen_random_uuid(), $1, $2, 'PAYMENT', 'CARD', 'SUCCEEDED', 10000, 'KES', $3, now(), now())`,
      [organizationId, invoiceId, reference],
    );
    await client.query("COMMIT");
  } finally {
    client.release();
  }
}

/**
 * Where one delivery's milliseconds go, measured by running the route's
 * stages in turn (the same functions the route calls), one delivery at a time.
 */
async function profileStages(deliveries: Delivery[], organizationId: string, host: string, bare: (reference: string) => Promise<void>): Promise<Record<string, number>> {
  const { parseHost } = await import("../lib/tenancy/host");
  const { verifyStripeEvent } = await import("../lib/payments/stripe");
  const { receiveStripeEvent, stripeEndpoint } = await import("../lib/services/card-settlements");
  const { withTenant } = await import("../lib/db/tenant");
  const { env } = await import("../lib/env");
  const stages: Record<string, number[]> = {
    "organisation and secret, read and decrypted": [],
    "organisation and secret, kept (the route)": [],
    "signature (HMAC-SHA256, JSON parse)": [],
    "settlement: 12 statements, one transaction": [],
    "  for scale: an empty tenant transaction": [],
    "  for scale: the peer's pair of inserts (pg)": [],
    "whole delivery (kept secret)": [],
  };
  for (const d of deliveries) {
    const t0 = performance.now();
    const site = parseHost(host, env().APP_ROOT_DOMAIN);
    if (site.kind !== "tenant") throw new Error("no tenant");
    await stripeEndpoint(site.slug, { fresh: true });
    const t1 = performance.now();
    const endpoint = (await stripeEndpoint(site.slug))!;
    const t2 = performance.now();
    const event = verifyStripeEvent(Buffer.from(d.payload), signatureFor(d.payload, SECRET), endpoint.webhookSecret);
    const t3 = performance.now();
    await receiveStripeEvent(organizationId, event);
    const t4 = performance.now();
    await withTenant(organizationId, (tx) => tx.$executeRaw`SELECT 1`);
    const t5 = performance.now();
    await bare(newPaymentIntentId());
    const t6 = performance.now();
    stages["organisation and secret, read and decrypted"].push(t1 - t0);
    stages["organisation and secret, kept (the route)"].push(t2 - t1);
    stages["signature (HMAC-SHA256, JSON parse)"].push(t3 - t2);
    stages["settlement: 12 statements, one transaction"].push(t4 - t3);
    stages["  for scale: an empty tenant transaction"].push(t5 - t4);
    stages["  for scale: the peer's pair of inserts (pg)"].push(t6 - t5);
    stages["whole delivery (kept secret)"].push(t4 - t1);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(Object.entries(stages).map(([stage, xs]) => [stage, median(xs)]));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
