import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { calendarDateOf } from "@/lib/dues/calendar-date";
import { INVOICE_STATES, invoiceState } from "@/lib/dues/invoice-state";
import { issueDuesInvoices } from "@/lib/jobs/dues-invoices";
import { DEMO_ORGANIZATIONS, seedDemo } from "@/prisma/seed";
import { DEMO_DUES } from "@/prisma/seed-dues";
import { connectAs } from "./support/database";

test("the demo seed refuses to run in production", async () => {
  const saved = process.env.NODE_ENV;
  (process.env as Record<string, string>).NODE_ENV = "production";
  try {
    await expect(seedDemo()).rejects.toThrow("Refusing to seed demo data in production");
  } finally {
    (process.env as Record<string, string | undefined>).NODE_ENV = saved;
  }
});

describe("[P3] the demo seed shows money in both clubs", () => {
  let owner: pg.Client;
  beforeAll(async () => {
    const started = performance.now();
    await seedDemo();
    console.log(`seedDemo took ${Math.round(performance.now() - started)} ms`);
    owner = await connectAs("owner");
  });
  afterAll(async () => {
    await owner.end();
    await disconnectAll();
  });

  const rows = async <T extends pg.QueryResultRow>(sql: string, slug: string) => (await owner.query<T>(sql, [slug])).rows;
  const CLUBS = Object.keys(DEMO_DUES);

  test("[P6] ikeja-relief has one processed batch with its PII purged, one awaiting review with rejected rows, one in progress", async () => {
    const batches = await rows<{ status: string; purged: boolean; rejected: number; valid: number; imported: number; staged: number }>(
      `SELECT b.status::text AS status, b.purged_at IS NOT NULL AS purged, b.rejected, b.valid, b.imported,
              (SELECT count(*)::int FROM beneficiary_batch_row r WHERE r.batch_id = b.id AND r.data IS NOT NULL) AS staged
         FROM beneficiary_batch b JOIN organization o ON o.id = b.organization_id WHERE o.slug = $1 ORDER BY b.uploaded_at`,
      "ikeja-relief",
    );
    expect(batches).toEqual([
      { status: "PROCESSED", purged: true, rejected: 2, valid: 38, imported: 38, staged: 0 },
      { status: "REVIEW", purged: false, rejected: 6, valid: 54, imported: 0, staged: 54 },
      { status: "PROCESSING", purged: false, rejected: 10, valid: 590, imported: 250, staged: 340 },
    ]);
  });

  test.each(CLUBS)("%s: an individual, a family and a corporate plan, and invoices in every state", async (slug) => {
    const plans = await rows<{ level: string }>("SELECT p.level FROM dues_plan p JOIN organization o ON o.id = p.organization_id WHERE o.slug = $1 ORDER BY p.level::text", slug);
    expect(plans.map((p) => p.level)).toEqual(["CORPORATE", "FAMILY", "INDIVIDUAL"]);
    const invoices = await rows<{ status: "DRAFT" | "OPEN" | "VOID"; amount_minor: number; due_on: Date; grace_days: number; paid_minor: number }>(
      `SELECT i.status, i.amount_minor, i.due_on, p.grace_days,
              COALESCE((SELECT sum(CASE WHEN y.kind = 'REFUND' THEN -y.amount_minor ELSE y.amount_minor END) FROM payment y
                         WHERE y.invoice_id = i.id AND y.status = 'SUCCEEDED'), 0)::int AS paid_minor
         FROM dues_invoice i JOIN dues_plan p ON p.id = i.plan_id JOIN organization o ON o.id = i.organization_id WHERE o.slug = $1`,
      slug,
    );
    const today = calendarDateOf(new Date(), "Africa/Nairobi");
    const states = new Set(
      invoices.map((i) => invoiceState({ status: i.status, amountMinor: i.amount_minor, paidMinor: i.paid_minor, dueOn: calendarDateOf(i.due_on), graceDays: i.grace_days }, today)),
    );
    expect([...states].sort()).toEqual([...INVOICE_STATES].sort());
    // The ledger never holds more than an invoice asks, nor anything for a void or draft one.
    for (const invoice of invoices) expect(invoice.paid_minor).toBeLessThanOrEqual(invoice.status === "OPEN" ? invoice.amount_minor : 0);
  });

  test.each(CLUBS)("%s: payments by card (settled as stripe), M-Pesa (settled as mpesa, receipt encrypted), cash and bank, all succeeded", async (slug) => {
    const methods = await rows<{ method: string; status: string; n: number }>(
      "SELECT y.method, y.status, count(*)::int AS n FROM payment y JOIN organization o ON o.id = y.organization_id WHERE o.slug = $1 GROUP BY 1, 2 ORDER BY y.method::text",
      slug,
    );
    expect(methods.map((m) => [m.method, m.status])).toEqual([
      ["BANK", "SUCCEEDED"],
      ["CARD", "SUCCEEDED"],
      ["CASH", "SUCCEEDED"],
      ["MPESA", "SUCCEEDED"],
    ]);
    const settledBy = await rows<{ actor_label: string; action: string }>(
      "SELECT DISTINCT a.actor_label, a.action FROM audit_entry a JOIN organization o ON o.id = a.organization_id WHERE o.slug = $1 AND a.action IN ('payment.card_paid', 'payment.mpesa_paid') ORDER BY 1",
      slug,
    );
    expect(settledBy.map((r) => r.actor_label)).toEqual(["mpesa", "stripe"]);
    const mpesa = await rows<{ mpesa_receipt: string }>("SELECT y.mpesa_receipt FROM payment y JOIN organization o ON o.id = y.organization_id WHERE o.slug = $1 AND y.method = 'MPESA'", slug);
    for (const { mpesa_receipt } of mpesa) expect(mpesa_receipt).toMatch(/^v1\./);
  });

  test.each(CLUBS)("%s: the district figures are the sums of the open invoices and of their ledger rows", async (slug) => {
    const [figures] = await rows<{ invoiced: number; collected: number }>(
      `SELECT (SELECT sum(i.amount_minor) FROM dues_invoice i WHERE i.organization_id = o.id AND i.status = 'OPEN')::bigint::int AS invoiced,
              (SELECT sum(y.amount_minor) FROM payment y JOIN dues_invoice i ON i.id = y.invoice_id
                WHERE y.organization_id = o.id AND y.status = 'SUCCEEDED' AND y.kind = 'PAYMENT' AND i.status = 'OPEN')::bigint::int AS collected
         FROM organization o WHERE o.slug = $1`,
      slug,
    );
    // e2e/admin.spec.ts shows these on /district.
    const expected = { kilimani: { invoiced: 72_800_000, collected: 52_300_000 }, westlands: { invoiced: 61_200_000, collected: 43_950_000 } }[slug];
    expect(figures).toEqual(expected);
  });

  test.each(CLUBS)("%s: member@ is linked to a member record with paid and open invoices, so My dues shows money", async (slug) => {
    const invoices = await rows<{ status: string; paid: boolean }>(
      `SELECT i.status, COALESCE((SELECT sum(y.amount_minor) FROM payment y WHERE y.invoice_id = i.id AND y.status = 'SUCCEEDED'), 0) >= i.amount_minor AS paid
         FROM dues_invoice i JOIN member m ON m.id = i.member_id JOIN app_user u ON u.id = m.user_id JOIN organization o ON o.id = i.organization_id
        WHERE o.slug = $1 AND u.email = 'member@' || $1 || '.test'`,
      slug,
    );
    expect(invoices.filter((i) => i.status === "OPEN" && i.paid).length).toBeGreaterThan(0);
    expect(invoices.filter((i) => i.status === "OPEN" && !i.paid).length).toBeGreaterThan(0);
  });

  test.each(CLUBS)("[P5] %s: welfare cases in every status, and disbursements the demo treasurer may approve (requested by treasurer-2)", async (slug) => {
    const cases = await rows<{ status: string }>("SELECT DISTINCT c.status::text FROM welfare_case c JOIN organization o ON o.id = c.organization_id WHERE o.slug = $1 ORDER BY 1", slug);
    expect(cases.map((c) => c.status)).toEqual(["APPROVED", "CLOSED", "OPEN"]);
    const waiting = await rows<{ requester: string }>(
      `SELECT u.email AS requester FROM welfare_disbursement d JOIN app_user u ON u.id = d.requested_by_id JOIN organization o ON o.id = d.organization_id
        WHERE o.slug = $1 AND d.status = 'REQUESTED'`,
      slug,
    );
    expect(waiting.map((w) => w.requester)).toContain(`treasurer-2@${slug}.test`);
    // One waits on the demo treasurer's own request, to show the absent approve button.
    expect(waiting.map((w) => w.requester)).toContain(`treasurer@${slug}.test`);
    const phones = await rows<{ phone: string }>("SELECT d.phone FROM welfare_disbursement d JOIN organization o ON o.id = d.organization_id WHERE o.slug = $1 AND d.method = 'MPESA'", slug);
    for (const { phone } of phones) expect(phone).toMatch(/^v1\./);
  });

  test("the daily invoicing job finds the demo clubs already invoiced, so their figures stay as seeded", async () => {
    const count = async () => (await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM dues_invoice i JOIN organization o ON o.id = i.organization_id WHERE o.slug = ANY($1)", [CLUBS])).rows[0].n;
    const before = await count();
    await issueDuesInvoices();
    expect(await count()).toBe(before);
  });

  test("[M2.4] every blind index the demo seed writes is in the per-organisation form: a fresh database needs no keys:reindex", async () => {
    const slugs = DEMO_ORGANIZATIONS.map((o) => o.slug);
    const columns = { member: ["nin_index", "bvn_index", "phone_index", "email_index"], donor: ["email_index"], payment: ["mpesa_receipt_index", "payer_phone_index"] };
    const forms = { legacy: 0, v2: 0 };
    for (const [table, names] of Object.entries(columns)) {
      for (const column of names) {
        const { rows } = await owner.query<{ legacy: number; v2: number }>(
          `SELECT count(*) FILTER (WHERE t.${column} NOT LIKE 'v2.%')::int AS legacy, count(*) FILTER (WHERE t.${column} LIKE 'v2.%')::int AS v2
             FROM ${table} t JOIN organization o ON o.id = t.organization_id WHERE o.slug = ANY($1)`,
          [slugs],
        );
        forms.legacy += rows[0]!.legacy;
        forms.v2 += rows[0]!.v2;
      }
    }
    expect(forms.legacy).toBe(0);
    expect(forms.v2).toBeGreaterThan(100);
  });
});
