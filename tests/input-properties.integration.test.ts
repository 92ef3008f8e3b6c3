import fc from "fast-check";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { z } from "zod";
import { disconnectAll } from "@/lib/db/clients";
import { AppError } from "@/lib/errors";
import { getBeneficiary } from "@/lib/queries/beneficiaries";
import { listPlans } from "@/lib/queries/dues";
import { getMember } from "@/lib/queries/members";
import { getProgram } from "@/lib/queries/programs";
import { getWelfareCase } from "@/lib/queries/welfare-cases";
import { holdable } from "@/lib/schemas/text";
import { createBeneficiary, updateBeneficiary } from "@/lib/services/beneficiaries";
import { createPlan } from "@/lib/services/dues-plans";
import { createMember, updateMember } from "@/lib/services/members";
import { createLocation, createProgram } from "@/lib/services/programs";
import { openWelfareCase } from "@/lib/services/welfare-cases";
import { connectAs, tenantTables } from "./support/database";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

/**
 * Property tests over the services' input schemas (lib/schemas), on a real
 * PostgreSQL: for any input — well-formed, hostile (NUL and other control
 * characters, lone surrogates, decomposed accents, RTL overrides, huge
 * numbers) or plain wrong — a service either accepts it, and what the query
 * reads back equals what the schema (behind the text rule) said it would
 * store, or refuses it with a field error and writes no row at all. A
 * database error is never the answer.
 */
let club: TestOrganization;
let ngo: TestOrganization;
let owner: pg.Client;
let locationId: string;
let beneficiaryId: string;
let memberId: string;

const RUNS = { numRuns: 30 };
let serial = 0;

beforeAll(async () => {
  club = await createTestOrganization("props");
  ngo = await createTestOrganization("props-ngo", "NGO");
  owner = await connectAs("owner");
  const program = await createProgram(ngo.actors.ADMIN, { name: "Property program" });
  locationId = (await createLocation(ngo.actors.ADMIN, { programId: program.id, name: "Property location" })).id;
  beneficiaryId = (await createBeneficiary(ngo.actors.ADMIN, { locationId, firstName: "Ada", lastName: "Obi", householdSize: 2 })).id;
  memberId = (await createMember(club.actors.ADMIN, { firstName: "Amina", lastName: "Otieno" })).id;
});
afterAll(async () => {
  await owner?.end();
  await disconnectAll();
});

/** Text as hostile as text gets: any code point (lone surrogates included), or a known troublemaker inside ordinary text. */
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ maxLength: 12 }),
  fc
    .tuple(
      fc.string({ maxLength: 8 }),
      fc.constantFrom("\u0000", "\u0007", "\u001b", "\u007f", "\ud800", "\udfff", "e\u0301", "\u202e", "\r\n", "\t", "'; DROP TABLE member; --", "{{7*7}}"),
      fc.string({ maxLength: 8 }),
    )
    .map((parts) => parts.join("")),
  fc.constant("x".repeat(5_000)),
);
const number = fc.oneof(fc.constantFrom("1e309", "-1", "0", "2", "NaN", "", "3.5", "50", "51"), fc.integer({ min: -5, max: 60 }).map(String));

/** Every row of every tenant table of the test's organisations, audit entries included. */
async function rows(): Promise<number> {
  const tables = await tenantTables(owner);
  const sql = tables.map((t) => `SELECT count(*)::int AS n FROM "${t}" WHERE organization_id = ANY($1::uuid[])`).join(" UNION ALL ");
  return (await owner.query<{ n: number }>(sql, [[club.id, ngo.id]])).rows.reduce((sum, r) => sum + r.n, 0);
}

/**
 * The property for one service: run it on `raw`; if the schema behind the
 * text rule accepts `raw`, the service must too and `readBack` must equal the
 * schema's output on `fields`; otherwise it must refuse with INVALID and leave
 * every row as it was.
 */
async function storedAsParsedOrNothing<S extends z.ZodType>(
  schema: S,
  raw: Record<string, unknown>,
  call: () => Promise<{ id: string }>,
  readBack: (id: string) => Promise<Record<string, unknown>>,
  fields: string[],
): Promise<void> {
  const expected = holdable(schema).safeParse(raw);
  const before = await rows();
  const outcome = await call().then(
    (result) => ({ ok: true as const, id: result.id }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (!outcome.ok) {
    // Refused: by the schema (INVALID, exactly when the schema refuses), or by a rule of the service (a name taken).
    expect(outcome.error, String(outcome.error)).toBeInstanceOf(AppError);
    const { code } = outcome.error as AppError;
    if (code === "INVALID") expect(expected.success).toBe(false);
    else expect(code).toBe("CONFLICT");
    expect(await rows()).toBe(before);
    return;
  }
  expect(expected.success).toBe(true);
  const stored = await readBack(outcome.id);
  const parsed = expected.data as Record<string, unknown>;
  // A field the input left out is unchanged by an edit; every field it gave reads back as parsed.
  for (const field of fields) if (parsed[field] !== undefined) expect(stored[field] ?? null, field).toEqual(parsed[field]);
}

describe("services store what their schema accepts and nothing else (fast-check)", () => {
  test("[M6.7] members: create and update", async () => {
    const { memberFields, updateMemberInput } = await import("@/lib/schemas/members");
    const names = ["firstName", "lastName", "address", "dateOfBirth"];
    await fc.assert(
      fc.asyncProperty(text, text, fc.option(text, { nil: undefined }), fc.option(fc.constantFrom("1990-01-01", "2999-01-01", "1990-1-1", "a\u0000b"), { nil: undefined }), async (firstName, lastName, address, dateOfBirth) => {
        const raw = { firstName, lastName, address, dateOfBirth };
        await storedAsParsedOrNothing(memberFields, raw, () => createMember(club.actors.ADMIN, raw), (id) => getMember(club.actors.ADMIN, id), names);
        const edit = { id: memberId, ...raw };
        await storedAsParsedOrNothing(updateMemberInput, edit, () => updateMember(club.actors.ADMIN, edit).then(() => ({ id: memberId })), (id) => getMember(club.actors.ADMIN, id), names);
      }),
      RUNS,
    );
  });

  test("[M6.7] beneficiaries: create and update, names and household size", async () => {
    const { createBeneficiaryInput, updateBeneficiaryInput } = await import("@/lib/schemas/beneficiaries");
    const fields = ["firstName", "lastName", "householdSize"];
    await fc.assert(
      fc.asyncProperty(text, text, number, async (firstName, lastName, householdSize) => {
        const raw = { locationId, firstName, lastName, householdSize };
        await storedAsParsedOrNothing(createBeneficiaryInput, raw, () => createBeneficiary(ngo.actors.ADMIN, raw), (id) => getBeneficiary(ngo.actors.ADMIN, id), fields);
        const edit = { id: beneficiaryId, firstName, lastName, householdSize };
        await storedAsParsedOrNothing(
          updateBeneficiaryInput,
          edit,
          () => updateBeneficiary(ngo.actors.ADMIN, edit).then(() => ({ id: beneficiaryId })),
          (id) => getBeneficiary(ngo.actors.ADMIN, id),
          fields,
        );
      }),
      RUNS,
    );
  });

  test("[M6.7] programs and locations", async () => {
    const { createProgramInput, createLocationInput } = await import("@/lib/schemas/programs");
    await fc.assert(
      fc.asyncProperty(text, fc.option(text, { nil: undefined }), text, async (name, description, locationName) => {
        const raw = { name, description };
        await storedAsParsedOrNothing(createProgramInput, raw, () => createProgram(ngo.actors.ADMIN, raw), (id) => getProgram(ngo.actors.ADMIN, id), ["name", "description"]);
        const program = await getProgram(ngo.actors.ADMIN, (await createProgram(ngo.actors.ADMIN, { name: `Holder ${++serial}` })).id);
        const location = { programId: program.id, name: locationName };
        await storedAsParsedOrNothing(
          createLocationInput,
          location,
          () => createLocation(ngo.actors.ADMIN, location),
          async (id) => (await getProgram(ngo.actors.ADMIN, program.id)).locations.find((l) => l.id === id) ?? {},
          ["name"],
        );
      }),
      { numRuns: 15 },
    );
  });

  test("[M6.7] dues plans: name, amount and currency", async () => {
    const { createPlanInput } = await import("@/lib/schemas/dues");
    await fc.assert(
      fc.asyncProperty(text, fc.oneof(number, text), fc.constantFrom("KES", "kes", "USD", "K\u0000S", "EURO"), async (name, amount, currency) => {
        const raw = { name, amount, currency, periodKind: "ANNUAL" };
        await storedAsParsedOrNothing(
          createPlanInput,
          raw,
          () => createPlan(club.actors.TREASURER, raw),
          async (id) => (await listPlans(club.actors.TREASURER)).find((p) => p.id === id) ?? {},
          ["name", "amountMinor", "currency"],
        );
      }),
      RUNS,
    );
  });

  test("[M6.7] welfare cases: title and encrypted notes", async () => {
    const { openWelfareCaseInput } = await import("@/lib/schemas/welfare-cases");
    await fc.assert(
      fc.asyncProperty(text, text, async (title, notes) => {
        const raw = { title, notes };
        await storedAsParsedOrNothing(openWelfareCaseInput, raw, () => openWelfareCase(club.actors.TREASURER, raw), (id) => getWelfareCase(club.actors.TREASURER, id), ["title", "notes"]);
      }),
      { numRuns: 20 },
    );
  });
});
