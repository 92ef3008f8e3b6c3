/**
 * `npx tsx scripts/bench-dues.ts` — what the treasurer's dues lists cost.
 *
 * On a fresh embedded PostgreSQL, one club with 2,000 members and 20,000
 * monthly invoices (ten periods each), a third paid in full and a third in
 * part (one ledger row each), plus 2,000 invoices of another club that RLS
 * must keep out. Times the invoice list (first page, each state filter, a
 * page deep in the list), the arrears page with its per-currency totals, and
 * a full CSV export, as the treasurer through the tenant transaction.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { withBenchDatabase } from "./bench-database";
import { timeRuns } from "./lib/bench-timing";

const MEMBERS = 2_000;
const PERIODS = 10;
const ITERATIONS = 30;
const TODAY = "2027-02-15";

async function main() {
  await withBenchDatabase(run);
}

async function run(ownerUrl: string) {
  // Imported after the environment is set: the clients read it once.
  const { memberActor, platformSystemActor } = await import("../lib/authz/actor");
  const { createOrganization } = await import("../lib/services/organizations");
  const { listInvoices, listArrears, invoicesCsv } = await import("../lib/queries/dues");
  const { INVOICE_STATES } = await import("../lib/dues/invoice-state");

  const system = platformSystemActor("bench", ["platform:provision"]);
  const club = (await createOrganization(system, { slug: "bench-club", name: "Bench club", kind: "CLUB", districtCode: "D1" })).id;
  const other = (await createOrganization(system, { slug: "bench-other", name: "Other club", kind: "CLUB", districtCode: "D1" })).id;
  await bulkInvoices(ownerUrl, club, MEMBERS, PERIODS);
  await bulkInvoices(ownerUrl, other, 200, PERIODS);
  const treasurer = memberActor({ organizationId: club, userId: randomUUID(), email: "treasurer@bench.test", role: "TREASURER", ip: null });

  const deep = await (async () => {
    let after: { dueOn: string; id: string } | undefined;
    for (let page = 0; page < 100; page++) {
      const { next } = await listInvoices(treasurer, {}, after, TODAY);
      if (!next) break;
      after = { dueOn: next.slice(0, 10), id: next.slice(11) };
    }
    return after;
  })();

  const cases: [string, () => Promise<number>][] = [
    ["invoice list, first page, no filter", async () => (await listInvoices(treasurer, {}, undefined, TODAY)).invoices.length],
    ...INVOICE_STATES.map((state): [string, () => Promise<number>] => [`invoice list, state = ${state}`, async () => (await listInvoices(treasurer, { state }, undefined, TODAY)).invoices.length]),
    ["invoice list, page 101 (keyset)", async () => (await listInvoices(treasurer, {}, deep, TODAY)).invoices.length],
    ["arrears, first page + totals", async () => (await listArrears(treasurer, undefined, TODAY)).rows.length],
  ];
  console.log(`one club: ${MEMBERS.toLocaleString("en")} members × ${PERIODS} monthly invoices = ${(MEMBERS * PERIODS).toLocaleString("en")} invoices (+ ${(200 * PERIODS).toLocaleString("en")} in another club); ${ITERATIONS} timed runs after 3 warm-up`);
  console.log("what                                        rows   p50 ms   p95 ms");
  for (const [label, fn] of cases) {
    const t = await timeRuns(fn, { warmup: 3, iterations: ITERATIONS });
    console.log(`${label.padEnd(42)} ${String(t.rows).padStart(5)}  ${t.p50.toFixed(1).padStart(7)}  ${t.p95.toFixed(1).padStart(7)}`);
  }
  const csv = await timeRuns(async () => (await new Response(invoicesCsv(treasurer, {}, TODAY)).text()).split("\r\n").length - 2, { warmup: 3, iterations: 3 });
  console.log(`${"CSV export, every invoice".padEnd(42)} ${String(csv.rows).padStart(5)}  ${csv.p50.toFixed(1).padStart(7)}  ${csv.p95.toFixed(1).padStart(7)}`);
}

/**
 * Rows straight into the tables as the owner: a benchmark fixture, not data
 * the app made, so no audit entries. Periods 2026-27-M01… (due the 31st of
 * July onwards); member n pays period invoices in full (n % 3 = 0), half
 * (n % 3 = 1) or not at all.
 */
async function bulkInvoices(ownerUrl: string, organizationId: string, members: number, periods: number) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(
      `WITH m AS (
         INSERT INTO member (id, organization_id, first_name, last_name, status, updated_at)
         SELECT gen_random_uuid(), $1, 'M' || i, 'Member' || i, 'ACTIVE', now() FROM generate_series(1, $2) AS i
         RETURNING id, first_name)
       , p AS (
         INSERT INTO dues_plan (id, organization_id, name, amount_minor, currency, period_kind, due_days, grace_days)
         VALUES (gen_random_uuid(), $1, 'Monthly dues', 100000, 'KES', 'MONTHLY', 30, 90)
         RETURNING id)
       , i AS (
         INSERT INTO dues_invoice (id, organization_id, member_id, plan_id, period, period_start, due_on, amount_minor, currency, covered_member_ids, updated_at)
         SELECT gen_random_uuid(), $1, m.id, p.id, '2026-27-M' || lpad(k::text, 2, '0'),
                (date '2026-07-01' + make_interval(months => k - 1))::date, (date '2026-07-01' + make_interval(months => k - 1))::date + 30, 100000, 'KES', ARRAY[m.id], now()
           FROM m, p, generate_series(1, $3) AS k
         RETURNING id, member_id)
       INSERT INTO payment (id, organization_id, invoice_id, method, status, amount_minor, currency, reference, paid_at, updated_at)
       SELECT gen_random_uuid(), $1, i.id, 'BANK', 'SUCCEEDED',
              CASE substring(m.first_name, 2)::int % 3 WHEN 0 THEN 100000 ELSE 50000 END, 'KES', 'BENCH-' || i.id, now(), now()
         FROM i JOIN m ON m.id = i.member_id
        WHERE substring(m.first_name, 2)::int % 3 <> 2`,
      [organizationId, members, periods],
    );
    await client.query("ANALYZE member; ANALYZE dues_plan; ANALYZE dues_invoice; ANALYZE payment");
  } finally {
    await client.end();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
