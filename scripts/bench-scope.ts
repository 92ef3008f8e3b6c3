/**
 * `npm run bench:scope` — what list scoping by role costs (promise M4.3).
 *
 * On a fresh embedded PostgreSQL: two organisations of 100,000 beneficiaries
 * each (2 programs × 10 locations, 21 field managers), then the first page of
 * the beneficiary list and its count, through the real query functions (tenant
 * transaction, RLS, `scope()`), as a field manager, a location admin and a
 * program manager — each beside the organisation-wide admin list measured in
 * the same run, printed as a ratio.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { withBenchDatabase } from "./bench-database";
import { timeRuns, type Timing } from "./lib/bench-timing";

const PER_ORG = 100_000;
const ITERATIONS = 200;


async function main() {
  await withBenchDatabase(async (ownerUrl) => print(await run(ownerUrl)));
}

type Subject = "admin" | "program-manager" | "location-admin" | "field-manager";

async function run(ownerUrl: string): Promise<Record<Subject, { list: Timing; count: Timing }>> {
  // Imported after the environment is set: the clients read it once.
  const { memberActor } = await import("../lib/authz/actor");
  const { addPersonToOrganization, createOrganization } = await import("../lib/services/organizations");
  const { createLocation, createProgram } = await import("../lib/services/programs");
  const { assignUnit } = await import("../lib/services/units");
  const { assignedUnit } = await import("../lib/queries/units");
  const { countBeneficiaries, listBeneficiaries } = await import("../lib/queries/beneficiaries");

  const system = (await import("../lib/authz/actor")).platformSystemActor("bench", ["platform:provision"]);
  const password = randomBytes(12).toString("hex");
  const orgs = [];
  for (const slug of ["bench-a", "bench-b"]) {
    const org = await createOrganization(system, { slug, name: slug, kind: "NGO" });
    const person = async (key: string, role: "ADMIN" | "PROGRAM_MANAGER" | "LOCATION_ADMIN" | "FIELD_MANAGER") => {
      const email = `${key}@${slug}.test`;
      const { userId } = await addPersonToOrganization(system, { organizationId: org.id, email, name: key, password, role });
      return { userId, email, role };
    };
    const people = {
      admin: await person("admin", "ADMIN"),
      "program-manager": await person("program-manager", "PROGRAM_MANAGER"),
      "location-admin": await person("location-admin", "LOCATION_ADMIN"),
      "field-manager": await person("field-manager", "FIELD_MANAGER"),
    };
    const admin = memberActor({ organizationId: org.id, ...people.admin, ip: null });
    const programs: string[] = [];
    const locations: string[] = [];
    for (const name of ["Food Relief", "School Meals"]) {
      const program = await createProgram(admin, { name });
      programs.push(program.id);
      for (let i = 1; i <= 10; i++) locations.push((await createLocation(admin, { programId: program.id, name: `${name} ${i}` })).id);
    }
    await assignUnit(admin, { userId: people["program-manager"].userId, unitId: programs[0] });
    await assignUnit(admin, { userId: people["location-admin"].userId, unitId: locations[0] });
    await assignUnit(admin, { userId: people["field-manager"].userId, unitId: locations[0] });
    await bulkBeneficiaries(ownerUrl, org.id, locations, people["field-manager"].userId);
    const actors = {} as Record<Subject, ReturnType<typeof memberActor>>;
    for (const [key, p] of Object.entries(people) as [Subject, (typeof people)[Subject]][]) {
      actors[key] = memberActor({ organizationId: org.id, ...p, ip: null, unit: await assignedUnit(org.id, p.userId) });
    }
    orgs.push(actors);
  }

  const results = {} as Record<Subject, { list: Timing; count: Timing }>;
  const actors = orgs[0];
  for (const subject of ["admin", "program-manager", "location-admin", "field-manager"] as Subject[]) {
    results[subject] = {
      list: await timeRuns(async () => (await listBeneficiaries(actors[subject])).length, { warmup: 20, iterations: ITERATIONS }),
      count: await timeRuns(() => countBeneficiaries(actors[subject]), { warmup: 20, iterations: ITERATIONS }),
    };
  }
  return results;
}

/**
 * Rows straight into the table as the owner: a benchmark fixture, not data the
 * app made, so no audit entries. One field manager registers 1 in 21 rows at
 * the first location; twenty others register the rest across all locations.
 */
async function bulkBeneficiaries(ownerUrl: string, organizationId: string, locations: string[], fieldManager: string) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO beneficiary (id, organization_id, location_id, first_name, last_name, household_size, created_by_id, updated_at)
       SELECT gen_random_uuid(), $1,
              CASE WHEN i % 21 = 0 THEN ($2::uuid[])[1] ELSE ($2::uuid[])[1 + (i % array_length($2::uuid[], 1))] END,
              'Ada' || i, 'Eze' || lpad((i * 7919 % $4)::text, 6, '0'), 1 + i % 7,
              CASE WHEN i % 21 = 0 THEN $3::uuid ELSE ('00000000-0000-4000-8000-' || lpad((i % 20)::text, 12, '0'))::uuid END,
              now()
         FROM generate_series(1, $4) AS i`,
      [organizationId, locations, fieldManager, PER_ORG],
    );
    await client.query("ANALYZE beneficiary");
  } finally {
    await client.end();
  }
}

function print(results: Record<Subject, { list: Timing; count: Timing }>) {
  const peer = results.admin;
  const fmt = (n: number) => n.toFixed(2).padStart(7);
  console.log(`beneficiaries per organisation: ${PER_ORG.toLocaleString("en")} (two organisations); ${ITERATIONS} timed runs each`);
  console.log("subject            reaches  list p50 ms  p95 ms  vs admin   count p50 ms  p95 ms  vs admin");
  for (const [subject, { list, count }] of Object.entries(results)) {
    console.log(
      `${subject.padEnd(18)} ${String(count.rows).padStart(7)}  ${fmt(list.p50)}  ${fmt(list.p95)}  ${(list.p50 / peer.list.p50).toFixed(2)}×     ${fmt(count.p50)}  ${fmt(count.p95)}  ${(count.p50 / peer.count.p50).toFixed(2)}×`,
    );
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
