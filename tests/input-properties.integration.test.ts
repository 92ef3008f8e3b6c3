import fc from "fast-check";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { z } from "zod";
import { platformActor, type PlatformActor } from "@/lib/authz/actor";
import { ROLES } from "@/lib/authz/capabilities";
import { normalizePhone } from "@/lib/crypto/normalize";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { parseMoney } from "@/lib/dues/money";
import { parsePeriodKey } from "@/lib/dues/periods";
import { platformNoticeText } from "@/lib/email/templates/platform-notice";
import { AppError } from "@/lib/errors";
import { darajaCredential, stripeCredential } from "@/lib/payments/credentials";
import { getBeneficiary } from "@/lib/queries/beneficiaries";
import { findDonorsByEmail } from "@/lib/queries/donors";
import { getInvoice, listPlans, memberChoices } from "@/lib/queries/dues";
import { getMember } from "@/lib/queries/members";
import { connectedProviders } from "@/lib/queries/payment-credentials";
import { getProgram } from "@/lib/queries/programs";
import { currentSupportGrant } from "@/lib/queries/support-grants";
import { getWelfareCaseNotes } from "@/lib/queries/welfare-cases";
import { holdable } from "@/lib/schemas/text";
import { createBeneficiary, updateBeneficiary } from "@/lib/services/beneficiaries";
import { createDonor } from "@/lib/services/donors";
import { issueInvoice, voidInvoice } from "@/lib/services/dues";
import { createPlan, enrolMember } from "@/lib/services/dues-plans";
import { changeRole } from "@/lib/services/memberships";
import { createMember, updateMember } from "@/lib/services/members";
import { sendIncidentNotice } from "@/lib/services/notices";
import { addPersonToOrganization, createPlatformAdmin } from "@/lib/services/organizations";
import { setPaymentCredential } from "@/lib/services/payment-credentials";
import { recordPayment } from "@/lib/services/payments";
import { signInToPlatform } from "@/lib/services/platform-sessions";
import { createLocation, createProgram } from "@/lib/services/programs";
import { grantSupportAccess } from "@/lib/services/support-access";
import { openWelfareCase } from "@/lib/services/welfare-cases";
import { connectAs, tenantTables } from "./support/database";
import { createTestInvoice } from "./support/dues";
import { createTestOrganization, TEST_ACTOR, TEST_PASSWORD, type TestOrganization } from "./support/organizations";

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
let planId: string;
let ledgerInvoiceId: string;
let staffUserId: string;
let admin: PlatformActor;

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
  planId = (await createPlan(club.actors.TREASURER, { name: "Property annual", amount: "12000", currency: "KES", periodKind: "ANNUAL" })).id;
  // Room for every payment the property records: 10,000,000 KES owed.
  ledgerInvoiceId = (await createTestInvoice(club, { amount: "10000000" })).invoice.id;
  const staff = { organizationId: club.id, email: `staff@${club.slug}.test`, name: "Staff", password: TEST_PASSWORD, role: "MEMBER" as const };
  staffUserId = (await addPersonToOrganization(TEST_ACTOR, staff)).userId;
  const email = `platform-${club.slug}@harambee.test`;
  await createPlatformAdmin(TEST_ACTOR, { email, name: "PA", password: TEST_PASSWORD });
  admin = platformActor((await signInToPlatform({ ip: "198.51.100.7", userAgent: null }, { email, password: TEST_PASSWORD })).user, "198.51.100.7");
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
/** Mostly `usual`, sometimes one of `others`: so that inputs of several fields are often accepted as a whole, not only refused. */
const mostly = <T>(usual: fc.Arbitrary<T>, ...others: fc.Arbitrary<T>[]) => fc.oneof({ arbitrary: usual, weight: 4 }, ...others.map((arbitrary) => ({ arbitrary, weight: 1 })));
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
type Model = {
  /** A rule of the service beyond the schema (an amount over the balance), refused with INVALID: true when it refuses `parsed`. */
  serviceRefuses?: (parsed: Record<string, unknown>) => boolean;
  /** What reads back for `parsed`, when the service stores it in another form (a payer defaulting to the member). */
  stored?: (parsed: Record<string, unknown>) => Record<string, unknown>;
};

async function storedAsParsedOrNothing<S extends z.ZodType>(
  schema: S,
  raw: Record<string, unknown>,
  call: () => Promise<{ id: string }>,
  readBack: (id: string) => Promise<Record<string, unknown>>,
  fields: string[],
  model: Model = {},
): Promise<void> {
  const expected = holdable(schema).safeParse(raw);
  const refusedByService = expected.success && (model.serviceRefuses?.(expected.data as Record<string, unknown>) ?? false);
  const before = await rows();
  const outcome = await call().then(
    (result) => ({ ok: true as const, id: result.id }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (!outcome.ok) {
    // Refused: by the schema (INVALID, exactly when the schema refuses), or by a rule of the service (a name taken).
    expect(outcome.error, String(outcome.error)).toBeInstanceOf(AppError);
    const { code } = outcome.error as AppError;
    if (code === "INVALID") expect(!expected.success || refusedByService, String(outcome.error)).toBe(true);
    else expect(code).toBe("CONFLICT");
    expect(await rows()).toBe(before);
    return;
  }
  expect(expected.success).toBe(true);
  expect(refusedByService).toBe(false);
  const stored = await readBack(outcome.id);
  const parsed = model.stored ? model.stored(expected.data as Record<string, unknown>) : (expected.data as Record<string, unknown>);
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
        const raw = { memberId, title, notes };
        await storedAsParsedOrNothing(openWelfareCaseInput, raw, () => openWelfareCase(club.actors.TREASURER, raw), (id) => getWelfareCaseNotes(club.actors.TREASURER, id), ["title", "notes"]);
      }),
      { numRuns: 20 },
    );
  });

  test("[M6.7] donors: name and email (encrypted, found again by its blind index)", async () => {
    const { createDonorInput } = await import("@/lib/schemas/donors");
    const email = fc.oneof(text, fc.constantFrom("", "Ada@Example.ORG", " a@b.co ", "ada@exa\u0301mple.org", "a\u0000@b.co"), text.map((t) => `${t}@example.org`));
    await fc.assert(
      fc.asyncProperty(text, fc.option(email, { nil: undefined }), async (name, address) => {
        const raw = { name, email: address };
        await storedAsParsedOrNothing(
          createDonorInput,
          raw,
          () => createDonor(ngo.actors.ADMIN, raw),
          async (id) => {
            const donor = await withTenant(ngo.id, (tx) => tx.donor.findUniqueOrThrow({ where: { id }, select: { name: true, email: true } }));
            if (donor.email) expect((await findDonorsByEmail(ngo.actors.ADMIN, donor.email)).map((d) => d.id)).toContain(id);
            return donor;
          },
          ["name", "email"],
        );
      }),
      RUNS,
    );
  });

  test("[M6.7] dues enrolments, issuing and voiding", async () => {
    const { enrolMemberInput, issueInvoiceInput, voidInvoiceInput } = await import("@/lib/schemas/dues");
    // null stands for the real id of the run's member or plan.
    const ref = mostly<string | null>(fc.constant(null), text);
    const period = fc.oneof(fc.constantFrom("2026-27", "2031-32", " 2020-21 ", "9998-99", "0999-00", "2026-27-Q1", "2026-28", "2026-27\u0000"), text);
    const draft = fc.constantFrom(true, false, "true", "false", "yes", "maybe", undefined);
    await fc.assert(
      fc.asyncProperty(ref, ref, fc.option(fc.oneof(fc.constant(""), ref), { nil: undefined }), fc.option(period, { nil: undefined }), draft, text, async (who, plan, payer, key, isDraft, reason) => {
        const member = await createMember(club.actors.ADMIN, { firstName: "Enrolee", lastName: `No ${++serial}` });
        const enrolment = { memberId: who ?? member.id, planId: plan ?? planId, payerId: payer === null ? member.id : payer };
        await storedAsParsedOrNothing(
          enrolMemberInput,
          enrolment,
          () => enrolMember(club.actors.TREASURER, enrolment),
          async () => ({ payerId: (await memberChoices(club.actors.TREASURER)).find((m) => m.id === member.id)?.duesEnrolment?.payerId }),
          ["payerId"],
          { stored: (p) => ({ payerId: p.payerId ?? p.memberId }) },
        );

        let issued: string | undefined;
        const issue = { memberId: member.id, planId, period: key, draft: isDraft };
        await storedAsParsedOrNothing(
          issueInvoiceInput,
          issue,
          async () => ({ id: (issued = (await issueInvoice(club.actors.TREASURER, issue)).id) }),
          async (id) => getInvoice(club.actors.TREASURER, id),
          ["period", "status"],
          {
            // A period of another kind than the plan's (quarterly, on an annual plan) is the service's to refuse.
            serviceRefuses: (p) => p.period !== undefined && parsePeriodKey(p.period as string)?.kind !== "ANNUAL",
            stored: (p) => ({ period: p.period, status: p.draft ? "DRAFT" : "OPEN" }),
          },
        );

        const invoiceId = issued ?? (await issueInvoice(club.actors.TREASURER, { memberId: member.id, planId })).id;
        const voiding = { invoiceId, reason };
        await storedAsParsedOrNothing(
          voidInvoiceInput,
          voiding,
          () => voidInvoice(club.actors.TREASURER, voiding),
          async (id) => ({ reason: (await getInvoice(club.actors.TREASURER, id)).voidReason }),
          ["reason"],
        );
      }),
      { numRuns: 15 },
    );
  });

  test("[M6.7] manual invoice payments: amount, method, reference, date and phone", async () => {
    const { recordPaymentInput } = await import("@/lib/schemas/dues");
    const method = mostly(fc.constantFrom("CASH", "BANK", "MPESA"), fc.constantFrom("cash", "CHEQUE"));
    const amount = mostly(fc.constantFrom("12,000", "0.5", " 7 ", "1200.50"), number, text, fc.constantFrom("0.001", "1e3", "-5"));
    const reference = mostly(fc.stringMatching(/^[A-Za-z0-9]{10}$/), text);
    const paidOn = mostly(fc.constantFrom("2026-01-15", " 2026-03-01 ", "2000-01-01"), fc.constantFrom("2999-01-01", "2026-02-30", "1999-12-31", ""), text);
    const phone = fc.option(mostly(fc.constantFrom("+254712345678", "+254 712 345 678", ""), fc.constantFrom("0712345678"), text), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(method, amount, reference, paidOn, phone, async (how, sum, ref, day, tel) => {
        const raw = { invoiceId: ledgerInvoiceId, method: how, amount: sum, reference: ref, paidOn: day, phone: tel };
        const { balanceMinor } = await getInvoice(club.actors.TREASURER, ledgerInvoiceId);
        await storedAsParsedOrNothing(
          recordPaymentInput,
          raw,
          () => recordPayment(club.actors.TREASURER, raw),
          async (id) => {
            const payment = (await getInvoice(club.actors.TREASURER, ledgerInvoiceId)).payments.find((p) => p.id === id);
            return { method: payment?.method, amountMinor: payment?.amountMinor, reference: payment?.mpesaReceipt ?? payment?.reference, paidOn: payment?.paidAt?.toISOString().slice(0, 10) };
          },
          ["method", "amountMinor", "reference", "paidOn"],
          {
            // The amount is read in the invoice's currency and must fit the balance; a phone must carry its country code.
            serviceRefuses: (p) => {
              const minor = parseMoney(p.amount as string, "KES");
              return minor === null || minor <= 0 || minor > balanceMinor || (!!p.phone && normalizePhone(p.phone as string) === null);
            },
            stored: (p) => ({
              method: p.method,
              amountMinor: parseMoney(p.amount as string, "KES"),
              reference: p.method === "MPESA" ? (p.reference as string).toUpperCase() : p.reference,
              paidOn: p.paidOn,
            }),
          },
        );
      }),
      RUNS,
    );
  });

  test("[M6.7] memberships: a person's role", async () => {
    const { changeRoleInput } = await import("@/lib/schemas/memberships");
    const role = mostly<string>(fc.constantFrom(...ROLES), fc.constantFrom("owner", " ADMIN", "ROOT", ""), text);
    await fc.assert(
      fc.asyncProperty(mostly<string | null>(fc.constant(null), text), role, async (who, newRole) => {
        const raw = { userId: who ?? staffUserId, role: newRole };
        await storedAsParsedOrNothing(
          changeRoleInput,
          raw,
          async () => ({ id: (await changeRole(club.actors.OWNER, raw)).membershipId }),
          async (id) => (await owner.query<{ role: string }>("SELECT role FROM membership WHERE id = $1", [id])).rows[0] ?? {},
          ["role"],
        );
      }),
      RUNS,
    );
  });

  test("[M6.7] platform notices: organisations, subject and body, as the owners' email reads them", async () => {
    const { incidentNoticeInput } = await import("@/lib/schemas/notices");
    const organizations = mostly<string | string[]>(fc.constantFrom(club.id, [club.id]), fc.constant([]), text, fc.array(text, { maxLength: 2 }));
    const body = mostly(text.map((t) => `Rotate your keys now: ${t}`), text);
    await fc.assert(
      fc.asyncProperty(organizations, text, body, async (organizationIds, subject, message) => {
        const raw = { organizationIds, subject, body: message };
        await storedAsParsedOrNothing(
          incidentNoticeInput,
          raw,
          async () => ({ id: String(await sendIncidentNotice(admin, raw)) }),
          async () => {
            const sent = await owner.query<{ subject: string; text: string }>(`SELECT subject, text FROM email_outbox WHERE "to" = $1 ORDER BY created_at DESC LIMIT 1`, [club.emails.OWNER]);
            return { subject: sent.rows[0]?.subject.replace(/^\[Harambee\] /, ""), text: sent.rows[0]?.text };
          },
          ["subject", "text"],
          { stored: (p) => ({ subject: p.subject, text: platformNoticeText({ organizationName: `Test ${club.slug}`, subject: p.subject as string, body: p.body as string, effectiveFrom: null }) }) },
        );
      }),
      { numRuns: 20 },
    );
  });

  test("[M6.7] payment credentials: stored encrypted and usable, never read back by a page", async () => {
    const { setPaymentCredentialInput } = await import("@/lib/schemas/payment-credentials");
    const secret = (valid: RegExp) => mostly(fc.stringMatching(valid), text, fc.stringMatching(valid).map((v) => `${v}\u0000`));
    const stripe = fc.record({ provider: mostly(fc.constant("STRIPE"), fc.constant("stripe")), secretKey: secret(/^sk_(test|live)_[A-Za-z0-9]{8,20}$/), webhookSecret: secret(/^whsec_[A-Za-z0-9]{8,20}$/) });
    const daraja = fc.record({
      provider: mostly(fc.constant("MPESA_DARAJA"), fc.constant(" MPESA_DARAJA")),
      shortcode: secret(/^\d{5,7}$/),
      passkey: secret(/^[!-~]{8,40}$/),
      consumerKey: secret(/^[!-~]{8,40}$/),
      consumerSecret: secret(/^[!-~]{8,40}$/),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(stripe, daraja, fc.record({ provider: text })), async (raw) => {
        await storedAsParsedOrNothing(
          setPaymentCredentialInput,
          raw,
          () => setPaymentCredential(club.actors.OWNER, raw),
          async () => {
            // The page learns only that the provider is connected; the server code calling the provider gets the secrets.
            expect((await connectedProviders(club.actors.OWNER)).map((c) => c.provider)).toContain(raw.provider);
            return ((raw.provider === "STRIPE" ? await stripeCredential(club.id) : await darajaCredential(club.id)) ?? {}) as Record<string, unknown>;
          },
          ["secretKey", "webhookSecret", "shortcode", "passkey", "consumerKey", "consumerSecret"],
        );
      }),
      RUNS,
    );
  });

  test("[M6.7] support grants: hours", async () => {
    const { grantSupportAccessInput } = await import("@/lib/schemas/support-grants");
    await fc.assert(
      fc.asyncProperty(fc.oneof(number, text, fc.constantFrom("72", "73", " 5 ", "0x10", "1.0", 24)), async (hours) => {
        const raw = { hours };
        await storedAsParsedOrNothing(
          grantSupportAccessInput,
          raw,
          () => grantSupportAccess(club.actors.OWNER, raw),
          async (id) => {
            const grant = await currentSupportGrant(club.actors.OWNER);
            // The live window is the one just granted, ending `hours` from now (less the moments since).
            return grant?.id === id ? { hours: Math.ceil((grant.expiresAt.getTime() - Date.now()) / 3_600_000) } : {};
          },
          ["hours"],
        );
      }),
      RUNS,
    );
  });
});
