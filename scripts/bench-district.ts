/**
 * `npm run bench:district` — what the district report costs (promise B3.1).
 *
 * On a fresh embedded PostgreSQL: one district of 20 clubs, 1,000 members
 * each with one dues invoice (paid in full, in part or not at all). The
 * report — every club's active members, dues invoiced, collected and arrears
 * in one platform-role query function — beside its peer measured in the same
 * run: the same figures asked of each club in turn through its own tenant
 * transaction (RLS), which is what the report would cost without the
 * reporting role.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { withBenchDatabase } from "./bench-database";
import { timeRuns } from "./lib/bench-timing";

const CLUBS = 20;
const MEMBERS = 1_000;
const ITERATIONS = 100;


async function main() {
  await withBenchDatabase(run);
}

async function run(ownerUrl: string) {
  // Imported after the environment is set: the clients read it once.
  const { platformActor } = await import("../lib/authz/actor");
  const { createDistrictAdmin, createOrganization } = await import("../lib/services/organizations");
  const { districtReport } = await import("../lib/queries/reporting");
  const { withTenant } = await import("../lib/db/tenant");

  const system = (await import("../lib/authz/actor")).platformSystemActor("bench", ["platform:provision"]);
  const clubs: string[] = [];
  for (let i = 1; i <= CLUBS; i++) clubs.push((await createOrganization(system, { slug: `club-${i}`, name: `Club ${i}`, kind: "CLUB", districtCode: "D1" })).id);
  const email = "district@bench.test";
  const user = await createDistrictAdmin(system, { email, name: "DA", password: randomBytes(12).toString("hex"), districtCode: "D1" });
  await bulkMembersAndDues(ownerUrl, clubs);
  const districtId = (await pgQuery(ownerUrl, "SELECT id FROM district WHERE code = 'D1'"))[0].id as string;
  const actor = platformActor({ id: user.id, email, isPlatformAdmin: false, districtAdminOfId: districtId }, null);

  const perClub = async () => {
    let total = 0;
    for (const organizationId of clubs) {
      const figures = await withTenant(organizationId, async (tx) => ({
        members: await tx.member.count({ where: { organizationId, status: "ACTIVE" } }),
        invoiced: await tx.duesInvoice.aggregate({ where: { organizationId, status: "OPEN" }, _sum: { amountMinor: true } }),
        collected: await tx.payment.groupBy({ by: ["kind"], where: { organizationId, status: "SUCCEEDED" }, _sum: { amountMinor: true } }),
      }));
      total += figures.members;
    }
    return total;
  };
  const report = async () => (await districtReport(actor)).clubs.reduce((n, c) => n + c.activeMembers, 0);

  const peer = await timeRuns(perClub, { warmup: 10, iterations: ITERATIONS });
  const subject = await timeRuns(report, { warmup: 10, iterations: ITERATIONS });
  console.log(`district of ${CLUBS} clubs × ${MEMBERS.toLocaleString("en")} members, one dues invoice each; ${ITERATIONS} timed runs after 10 warm-up`);
  console.log("what                                   members  p50 ms   p95 ms   vs peer");
  const fmt = (n: number) => n.toFixed(2).padStart(7);
  console.log(`each club in turn, tenant (peer)      ${String(peer.rows).padStart(8)}  ${fmt(peer.p50)}  ${fmt(peer.p95)}   1.00×`);
  console.log(`district report, platform role        ${String(subject.rows).padStart(8)}  ${fmt(subject.p50)}  ${fmt(subject.p95)}   ${(subject.p50 / peer.p50).toFixed(2)}×`);
}

async function pgQuery(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Rows straight into the tables as the owner: a benchmark fixture, not data
 * the app made, so no audit entries. Every 20th member is archived; a third
 * of the invoices are paid in full, a third half (one ledger row each).
 */
async function bulkMembersAndDues(ownerUrl: string, clubs: string[]) {
  for (const organizationId of clubs) {
    await pgQuery(
      ownerUrl,
      `WITH m AS (
         INSERT INTO member (id, organization_id, first_name, last_name, status, updated_at)
         SELECT gen_random_uuid(), $1, 'M' || i, 'Member' || i, CASE WHEN i % 20 = 0 THEN 'ARCHIVED'::"MemberStatus" ELSE 'ACTIVE'::"MemberStatus" END, now()
           FROM generate_series(1, $2) AS i
         RETURNING id, first_name)
       , p AS (
         INSERT INTO dues_plan (id, organization_id, name, amount_minor, currency, period_kind)
         VALUES (gen_random_uuid(), $1, 'Annual dues', 1200000, 'KES', 'ANNUAL')
         RETURNING id)
       , i AS (
         INSERT INTO dues_invoice (id, organization_id, member_id, plan_id, period, period_start, due_on, amount_minor, currency, covered_member_ids, updated_at)
         SELECT gen_random_uuid(), $1, m.id, p.id, '2026-27', '2026-07-01', '2026-07-31', 1200000, 'KES', ARRAY[m.id], now()
           FROM m, p
         RETURNING id, member_id)
       INSERT INTO payment (id, organization_id, invoice_id, method, status, amount_minor, currency, reference, paid_at, updated_at)
       SELECT gen_random_uuid(), $1, i.id, 'BANK', 'SUCCEEDED',
              CASE substring(m.first_name, 2)::int % 3 WHEN 0 THEN 1200000 ELSE 600000 END, 'KES', 'BENCH-' || i.id, now(), now()
         FROM i JOIN m ON m.id = i.member_id
        WHERE substring(m.first_name, 2)::int % 3 <> 2`,
      [organizationId, MEMBERS],
    );
  }
  await pgQuery(ownerUrl, "ANALYZE member; ANALYZE dues_invoice; ANALYZE payment; ANALYZE organization");
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
