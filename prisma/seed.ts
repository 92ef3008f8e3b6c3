import { ROLES, type RoleName } from "../lib/authz/capabilities";
import { memberActor, platformSystemActor, type Actor } from "../lib/authz/actor";
import { issuePeriod } from "../lib/services/dues";
import { createPlan, enrolMember } from "../lib/services/dues-plans";
import { recordPayment } from "../lib/services/payments";
import { withTenant } from "../lib/db/tenant";
import { setPaymentCredential } from "../lib/services/payment-credentials";
import { demoPaymentCredentials } from "./demo-payments";
import { createMember } from "../lib/services/members";
import { addPersonToOrganization, createDistrictAdmin, createOrganization, createPlatformAdmin } from "../lib/services/organizations";
import { CLUB_PROJECT_UNITS, IKEJA_RELIEF_UNITS, seedUnits, type SeedPerson, type UnitPlan } from "./seed-units";

/**
 * Demo data, through the same services the app uses. Refused in production.
 * Logins: `<role>@<slug>.test` (e.g. treasurer@kilimani.test) and
 * admin@harambee.test (platform) and district-admin@harambee.test (D9212), all
 * with DEMO_PASSWORD; the NGO has two more field managers (field-manager-2@,
 * field-manager-3@ikeja-relief.test).
 */
export const DEMO_PASSWORD = "Harambee-Demo-2026!";

export const DEMO_ORGANIZATIONS = [
  { slug: "kilimani", name: "Rotary Club of Kilimani", kind: "CLUB", districtCode: "D9212" },
  { slug: "westlands", name: "Rotary Club of Westlands", kind: "CLUB", districtCode: "D9212" },
  { slug: "ikeja-relief", name: "Ikeja Relief Programme", kind: "NGO" },
] as const;

/** Programs and field staff beyond one person per role. */
const DEMO_UNITS: Partial<Record<string, { extraFieldManagers: string[]; plan: UnitPlan }>> = {
  kilimani: { extraFieldManagers: [], plan: CLUB_PROJECT_UNITS },
  "ikeja-relief": { extraFieldManagers: ["field-manager-2", "field-manager-3"], plan: IKEJA_RELIEF_UNITS },
};

const KENYAN_FIRST = ["Wanjiru", "Otieno", "Achieng", "Kamau", "Njeri", "Mwangi", "Atieno", "Kiprono", "Chebet", "Mutua", "Wambui", "Odhiambo", "Nyambura", "Kipchoge", "Akinyi"];
const KENYAN_LAST = ["Kariuki", "Ochieng", "Wafula", "Njoroge", "Kiplagat", "Mwende", "Omondi", "Gitau", "Cheruiyot", "Muthoni", "Barasa", "Kimani", "Awuor", "Too", "Macharia"];
const NIGERIAN_FIRST = ["Chinedu", "Aisha", "Oluwaseun", "Ngozi", "Emeka", "Funmilayo", "Ibrahim", "Adaeze", "Tunde", "Zainab", "Obinna", "Yetunde", "Musa", "Chiamaka", "Babatunde"];
const NIGERIAN_LAST = ["Okafor", "Bello", "Adeyemi", "Eze", "Abubakar", "Olawale", "Nwosu", "Danjuma", "Adebayo", "Okonkwo", "Lawal", "Ogunleye", "Usman", "Chukwu", "Afolabi"];

const SEED_ACTOR = platformSystemActor("seed", ["platform:provision"]);

/**
 * Each club's 2026 dues, so the district report has real figures: an amount
 * per member, and how much of it the n-th member has paid (a share of the amount).
 * Kilimani: KES 12,000 each, a third paid in full, a third half → 180,000 of 360,000.
 * Westlands: KES 10,000 each, every other member in full → 150,000 of 300,000.
 */
export const DEMO_DUES: Partial<Record<string, { amountMinor: number; paidShare: (n: number) => number }>> = {
  kilimani: { amountMinor: 1_200_000, paidShare: (n) => [1, 0.5, 0][n % 3] },
  westlands: { amountMinor: 1_000_000, paidShare: (n) => (n % 2 === 0 ? 1 : 0) },
};

async function seedDues(treasurer: Actor, memberIds: string[], plan: { amountMinor: number; paidShare: (n: number) => number }) {
  const { id: planId } = await createPlan(treasurer, { name: "Annual dues", currency: "KES", amount: String(plan.amountMinor / 100), periodKind: "ANNUAL" });
  for (const memberId of memberIds) await enrolMember(treasurer, { memberId, planId });
  await issuePeriod(treasurer, { planId, period: "2026-27" });
  const invoices = await withTenant(treasurer.organizationId, (tx) => tx.duesInvoice.findMany({ where: { planId }, select: { id: true, memberId: true } }));
  const invoiceOf = new Map(invoices.map((i) => [i.memberId, i.id]));
  for (const [n, memberId] of memberIds.entries()) {
    const paid = Math.round(plan.amountMinor * plan.paidShare(n));
    if (paid > 0) await recordPayment(treasurer, { invoiceId: invoiceOf.get(memberId)!, method: "BANK", amount: String(paid / 100), reference: `EFT-${2026_0700 + n}`, paidOn: "2026-07-20" });
  }
}

function demoPeople(kind: "CLUB" | "NGO", count: number) {
  const [first, last] = kind === "CLUB" ? [KENYAN_FIRST, KENYAN_LAST] : [NIGERIAN_FIRST, NIGERIAN_LAST];
  return Array.from({ length: count }, (_, i) => {
    const firstName = first[i % first.length];
    const lastName = last[(i * 7 + Math.floor(i / first.length)) % last.length];
    const phonePrefix = kind === "CLUB" ? "+2547" : "+2348";
    return {
      firstName,
      lastName,
      email: `${firstName}.${lastName}${i}@example.org`.toLowerCase(),
      phone: `${phonePrefix}${String(10_000_000 + i * 7_919).slice(0, 8)}`,
    };
  });
}

const titleCase = (role: RoleName) => role.charAt(0) + role.slice(1).toLowerCase().replace("_", " ");

/** Login key of a role: FIELD_MANAGER → "field-manager". */
export const roleKey = (role: RoleName) => role.toLowerCase().replace("_", "-");

/** Names for beneficiaries, distinct from the organisation's 30 members'. */
const beneficiaryNames = (kind: "CLUB" | "NGO") => (count: number, offset: number) =>
  demoPeople(kind, offset + count + 30).slice(offset + 30);

export async function seedDemo(): Promise<void> {
  if (process.env.NODE_ENV === "production") throw new Error("Refusing to seed demo data in production");
  await createPlatformAdmin(SEED_ACTOR, { email: "admin@harambee.test", name: "Platform Admin", password: DEMO_PASSWORD });
  for (const spec of DEMO_ORGANIZATIONS) {
    const org = await createOrganization(SEED_ACTOR, spec);
    const units = DEMO_UNITS[spec.slug];
    const people: Record<string, SeedPerson> = {};
    const logins = [...ROLES.map((role) => [roleKey(role), role] as const), ...(units?.extraFieldManagers ?? []).map((key) => [key, "FIELD_MANAGER"] as const)];
    for (const [key, role] of logins) {
      const email = `${key}@${spec.slug}.test`;
      const { userId } = await addPersonToOrganization(SEED_ACTOR, {
        organizationId: org.id,
        email,
        name: `${titleCase(role)} of ${spec.name.split(" ").at(-1)}`,
        password: DEMO_PASSWORD,
        role,
      });
      people[key] = { userId, email, role };
    }
    const owner = memberActor({ organizationId: org.id, ...people.owner, ip: null });
    const memberIds: string[] = [];
    for (const person of demoPeople(spec.kind, 30)) memberIds.push((await createMember(owner, person)).id);
    if (units) await seedUnits(owner, people, units.plan, beneficiaryNames(spec.kind));
    if (spec.kind === "CLUB") {
      const { stripe, daraja } = demoPaymentCredentials(process.env.AUTH_SECRET!, spec.slug);
      await setPaymentCredential(owner, stripe);
      await setPaymentCredential(owner, daraja);
    }
    const dues = DEMO_DUES[spec.slug];
    if (dues) await seedDues(memberActor({ organizationId: org.id, ...people.treasurer, ip: null }), memberIds, dues);
  }
  await createDistrictAdmin(SEED_ACTOR, { email: "district-admin@harambee.test", name: "District D9212 Admin", password: DEMO_PASSWORD, districtCode: "D9212" });
}
