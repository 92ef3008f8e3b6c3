import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { issueInvoice, issuePeriod, openInvoice, voidInvoice } from "@/lib/services/dues";
import { createPlan, enrolMember } from "@/lib/services/dues-plans";
import { createMember } from "@/lib/services/members";
import { recordPayment } from "@/lib/services/payments";
import { connectAs } from "./support/database";
import { createTestInvoice } from "./support/dues";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

/**
 * The dues ledger's kept sums (migration 20261203100243_dues_kept_sums): the
 * database keeps each invoice's paid amount and the per-day totals the
 * dashboard reads, in the same transaction as every change. Whatever writes
 * the ledger — the services, a bulk issue, the app role's own SQL, a
 * deletion — the kept sums must equal the ledger summed from scratch, and no
 * one but the database may write them.
 */
let club: TestOrganization;
let other: TestOrganization;
let owner: pg.Client;
let app: pg.Client;

type DayRow = { day: string; currency: string; invoiced: number; outstanding: number; invoices: number; collected: number };

/** The ledger summed from scratch, by the rules the kept sums follow: what the dashboard computed before they were kept. */
async function ledgerSums(organizationId: string): Promise<DayRow[]> {
  const { rows } = await owner.query<DayRow>(
    `WITH paid AS (
       SELECT invoice_id, SUM(CASE WHEN kind = 'PAYMENT' THEN amount_minor ELSE -amount_minor END) AS paid
         FROM payment WHERE organization_id = $1 AND status = 'SUCCEEDED' AND invoice_id IS NOT NULL GROUP BY 1
     ), invoiced AS (
       SELECT i.due_on AS day, i.currency, SUM(i.amount_minor) AS invoiced,
              SUM(GREATEST(i.amount_minor - COALESCE(p.paid, 0), 0)) AS outstanding,
              count(*) FILTER (WHERE COALESCE(p.paid, 0) < i.amount_minor) AS invoices
         FROM dues_invoice i LEFT JOIN paid p ON p.invoice_id = i.id
        WHERE i.organization_id = $1 AND i.status = 'OPEN' GROUP BY 1, 2
     ), collected AS (
       SELECT (COALESCE(paid_at, created_at) AT TIME ZONE 'Africa/Nairobi')::date AS day, currency,
              SUM(CASE WHEN kind = 'PAYMENT' THEN amount_minor ELSE -amount_minor END) AS collected
         FROM payment WHERE organization_id = $1 AND status = 'SUCCEEDED' AND invoice_id IS NOT NULL GROUP BY 1, 2
     )
     SELECT to_char(COALESCE(i.day, c.day), 'YYYY-MM-DD') AS day, COALESCE(i.currency, c.currency) AS currency,
            COALESCE(i.invoiced, 0)::int AS invoiced, COALESCE(i.outstanding, 0)::int AS outstanding,
            COALESCE(i.invoices, 0)::int AS invoices, COALESCE(c.collected, 0)::int AS collected
       FROM invoiced i FULL JOIN collected c ON c.day = i.day AND c.currency = i.currency
      ORDER BY 1, 2`,
    [organizationId],
  );
  return rows.filter((r) => r.invoiced || r.outstanding || r.invoices || r.collected);
}

async function keptSums(organizationId: string): Promise<DayRow[]> {
  const { rows } = await owner.query<DayRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, invoiced_minor::int AS invoiced, outstanding_minor::int AS outstanding,
            outstanding_invoices AS invoices, collected_minor::int AS collected
       FROM dues_day_total
      WHERE organization_id = $1 AND (invoiced_minor <> 0 OR outstanding_minor <> 0 OR outstanding_invoices <> 0 OR collected_minor <> 0)
      ORDER BY 1, 2`,
    [organizationId],
  );
  return rows;
}

/** Every invoice whose kept paid amount differs from its ledger's. */
async function paidMismatches(organizationId: string): Promise<unknown[]> {
  const { rows } = await owner.query(
    `SELECT i.id, i.paid_minor, COALESCE(SUM(CASE WHEN p.kind = 'PAYMENT' THEN p.amount_minor ELSE -p.amount_minor END), 0)::int AS ledger
       FROM dues_invoice i LEFT JOIN payment p ON p.invoice_id = i.id AND p.status = 'SUCCEEDED'
      WHERE i.organization_id = $1
      GROUP BY i.id HAVING i.paid_minor <> COALESCE(SUM(CASE WHEN p.kind = 'PAYMENT' THEN p.amount_minor ELSE -p.amount_minor END), 0)`,
    [organizationId],
  );
  return rows;
}

async function expectKeptEqualsLedger(organization: TestOrganization) {
  const ledger = await ledgerSums(organization.id);
  expect(ledger.length).toBeGreaterThan(0);
  expect(await keptSums(organization.id)).toEqual(ledger);
  expect(await paidMismatches(organization.id)).toEqual([]);
}

/** One transaction as the app role acting for `organizationId`. */
async function asApp<T>(organizationId: string, fn: () => Promise<T>): Promise<T> {
  await app.query("BEGIN");
  try {
    await app.query("SELECT set_config('app.org_id', $1, true)", [organizationId]);
    const result = await fn();
    await app.query("COMMIT");
    return result;
  } catch (error) {
    await app.query("ROLLBACK");
    throw error;
  }
}

beforeAll(async () => {
  [club, other] = await Promise.all([createTestOrganization("kept-sums"), createTestOrganization("kept-sums-other")]);
  [owner, app] = await Promise.all([connectAs("owner"), connectAs("app")]);
});
afterAll(async () => {
  await Promise.all([owner.end(), app.end()]);
  await disconnectAll();
});

describe("[P7] the database keeps the dues ledger's sums in the same transaction as every change", () => {
  test("[P7] after issuing, drafts, paying in part and in full, voiding, a bulk period run and two currencies, the kept sums equal the ledger", async () => {
    const treasurer = club.actors.TREASURER;
    const monthly = await createPlan(treasurer, { name: "Monthly", currency: "KES", amount: "1000", periodKind: "MONTHLY", dueDays: 0, graceDays: 30 });
    const dollars = await createPlan(treasurer, { name: "Overseas", currency: "USD", amount: "50", periodKind: "ANNUAL", dueDays: 0, graceDays: 30 });
    const member = (lastName: string) => createMember(club.actors.ADMIN, { firstName: "Achieng", lastName });
    const akinyi = await member("Kept One");
    const baraka = await member("Kept Two");
    const june = await issueInvoice(treasurer, { memberId: akinyi.id, planId: monthly.id, period: "2025-26-M12" });
    const july = await issueInvoice(treasurer, { memberId: akinyi.id, planId: monthly.id, period: "2026-27-M01" });
    const draft = await issueInvoice(treasurer, { memberId: baraka.id, planId: monthly.id, period: "2026-27-M01", draft: true });
    const voided = await issueInvoice(treasurer, { memberId: baraka.id, planId: monthly.id, period: "2025-26-M12" });
    const usd = await issueInvoice(treasurer, { memberId: baraka.id, planId: dollars.id, period: "2026-27" });
    await recordPayment(treasurer, { invoiceId: june.id, method: "CASH", amount: "400", reference: "KEPT-1", paidOn: "2026-06-03" });
    await recordPayment(treasurer, { invoiceId: june.id, method: "BANK", amount: "600", reference: "KEPT-2", paidOn: "2026-07-01" });
    await recordPayment(treasurer, { invoiceId: july.id, method: "CASH", amount: "250", reference: "KEPT-3", paidOn: "2026-07-01" });
    await recordPayment(treasurer, { invoiceId: usd.id, method: "BANK", amount: "20.50", reference: "KEPT-4", paidOn: "2026-07-02" });
    await expectKeptEqualsLedger(club);

    await openInvoice(treasurer, { invoiceId: draft.id });
    await voidInvoice(treasurer, { invoiceId: voided.id, reason: "Issued twice" });
    for (const m of [akinyi, baraka, await member("Kept Three")]) await enrolMember(treasurer, { planId: monthly.id, memberId: m.id });
    expect((await issuePeriod(treasurer, { planId: monthly.id, period: "2026-27-M02" })).issued).toBe(3);
    await expectKeptEqualsLedger(club);
    const [{ paid_minor }] = (await owner.query("SELECT paid_minor FROM dues_invoice WHERE id = $1", [june.id])).rows;
    expect(paid_minor).toBe(100_000);
  });

  test("[P7] the app role's own SQL — a pending payment that succeeds, a refund, a failed payment — and the owner's deletions keep them equal too", async () => {
    const { invoice } = await createTestInvoice(club, { amount: "3000" });
    const insert = (kind: string, status: string, amountMinor: number, reference: string, paidAt: string | null) =>
      asApp(club.id, () =>
        app.query(
          `INSERT INTO payment (id, organization_id, invoice_id, kind, method, status, amount_minor, currency, reference, paid_at, updated_at)
           VALUES (gen_random_uuid(), $1, $2, $3::"PaymentKind", 'BANK', $4::"PaymentStatus", $5, 'KES', $6, $7, now()) RETURNING id`,
          [club.id, invoice.id, kind, status, amountMinor, reference, paidAt],
        ),
      );
    const pending = await insert("PAYMENT", "PENDING", 200_000, "KEPT-SQL-1", null);
    await expectKeptEqualsLedger(club);
    // Late in the evening in Nairobi is already the next day there: the day is the books' day, not UTC's.
    await asApp(club.id, () => app.query("UPDATE payment SET status = 'SUCCEEDED', paid_at = '2026-07-31T22:30:00Z' WHERE id = $1", [pending.rows[0].id]));
    await insert("REFUND", "SUCCEEDED", 50_000, "KEPT-SQL-2", "2026-08-02T09:00:00Z");
    await insert("PAYMENT", "FAILED", 100_000, "KEPT-SQL-3", null);
    await expectKeptEqualsLedger(club);
    expect((await owner.query("SELECT paid_minor FROM dues_invoice WHERE id = $1", [invoice.id])).rows[0].paid_minor).toBe(150_000);
    const augustFirst = await owner.query("SELECT collected_minor::int AS c FROM dues_day_total WHERE organization_id = $1 AND day = '2026-08-01' AND currency = 'KES'", [club.id]);
    expect(augustFirst.rows[0].c).toBe(200_000);

    // The app may not delete ledger rows; the owner's clean-up (as the e2e fixtures do) keeps the sums too.
    await owner.query("DELETE FROM payment WHERE invoice_id = $1", [invoice.id]);
    await owner.query("DELETE FROM dues_invoice WHERE id = $1", [invoice.id]);
    await expectKeptEqualsLedger(club);
  });

  test("[P7] forty payments at once over two clubs lose no update: the kept sums still equal the ledger", async () => {
    const invoices = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createTestInvoice(i % 2 ? club : other, { amount: "100" })),
    );
    await Promise.all(
      invoices.flatMap(({ invoice }, i) =>
        ["30", "45"].map((amount, j) =>
          recordPayment((i % 2 ? club : other).actors.TREASURER, { invoiceId: invoice.id, method: "CASH", amount, reference: `KEPT-RACE-${i}-${j}`, paidOn: "2026-07-10" }),
        ),
      ),
    );
    await expectKeptEqualsLedger(club);
    await expectKeptEqualsLedger(other);
  });

  test("[P7] only the database writes the kept sums: the app role can neither write dues_day_total nor set an invoice's paid amount", async () => {
    const { invoice } = await createTestInvoice(club);
    await expect(
      asApp(club.id, () => app.query("INSERT INTO dues_day_total (organization_id, day, currency, collected_minor) VALUES ($1, '2026-01-01', 'KES', 1)", [club.id])),
    ).rejects.toThrow(/permission denied for table dues_day_total/);
    await expect(asApp(club.id, () => app.query("UPDATE dues_day_total SET collected_minor = 0"))).rejects.toThrow(/permission denied/);
    await expect(asApp(club.id, () => app.query("UPDATE dues_invoice SET paid_minor = amount_minor WHERE id = $1", [invoice.id]))).rejects.toMatchObject({
      code: "42501",
      message: expect.stringMatching(/paid_minor is kept from the payment ledger/),
    });
    await expect(
      asApp(club.id, () =>
        app.query(
          `INSERT INTO dues_invoice (id, organization_id, member_id, plan_id, period, period_start, due_on, amount_minor, currency, status, paid_minor, updated_at)
           SELECT gen_random_uuid(), organization_id, member_id, plan_id, 'forged', period_start, due_on, amount_minor, currency, 'OPEN', amount_minor, now()
             FROM dues_invoice WHERE id = $1`,
          [invoice.id],
        ),
      ),
    ).rejects.toMatchObject({ code: "42501" });
    expect((await owner.query("SELECT paid_minor FROM dues_invoice WHERE id = $1", [invoice.id])).rows[0].paid_minor).toBe(0);
    await expectKeptEqualsLedger(club);
  });
});
