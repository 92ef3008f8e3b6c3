import { ROLES, type RoleName } from "../lib/authz/capabilities";
import { memberActor, platformSystemActor } from "../lib/authz/actor";
import { setPaymentCredential } from "../lib/services/payment-credentials";
import { demoPaymentCredentials } from "./demo-payments";
import { DEMO_DUES, seedDues } from "./seed-dues";
import { seedDonations } from "./seed-donations";
import { seedWelfare } from "./seed-welfare";
import { createMember } from "../lib/services/members";
import { addPersonToOrganization, createDistrictAdmin, createOrganization, createPlatformAdmin } from "../lib/services/organizations";
import { assignedUnit } from "../lib/queries/units";
import { seedAttachments } from "./seed-attachments";
import { seedBatches, seedReviewBatch } from "./seed-batches";
import { CLUB_PROJECT_UNITS, IKEJA_RELIEF_UNITS, seedUnits, type SeedPerson, type UnitPlan } from "./seed-units";

/**
 * Demo data, through the same services the app uses. Refused in production.
 * Logins: `<role>@<slug>.test` (e.g. treasurer@kilimani.test) and
 * admin@harambee.test (platform) and district-admin@harambee.test (D9212), all
 * with DEMO_PASSWORD; the NGO has two more field managers (field-manager-2@,
 * field-manager-3@ikeja-relief.test) and each club a second treasurer
 * (treasurer-2@), who requested the demo's welfare disbursements.
 */
export const DEMO_PASSWORD = "Harambee-Demo-2026!";

export const DEMO_ORGANIZATIONS = [
  { slug: "kilimani", name: "Rotary Club of Kilimani", kind: "CLUB", districtCode: "D9212" },
  { slug: "westlands", name: "Rotary Club of Westlands", kind: "CLUB", districtCode: "D9212" },
  { slug: "ikeja-relief", name: "Ikeja Relief Programme", kind: "NGO" },
] as const;

/** Programs and field staff beyond one person per role. */
/** A club's second treasurer: welfare disbursements need one person to request and another to approve. */
const SECOND_TREASURER = "treasurer-2";

const DEMO_UNITS: Partial<Record<string, { extraFieldManagers: string[]; plan: UnitPlan }>> = {
  kilimani: { extraFieldManagers: [], plan: CLUB_PROJECT_UNITS },
  "ikeja-relief": { extraFieldManagers: ["field-manager-2", "field-manager-3"], plan: IKEJA_RELIEF_UNITS },
};

const KENYAN_FIRST = ["Wanjiru", "Otieno", "Achieng", "Kamau", "Njeri", "Mwangi", "Atieno", "Kiprono", "Chebet", "Mutua", "Wambui", "Odhiambo", "Nyambura", "Kipchoge", "Akinyi"];
const KENYAN_LAST = ["Kariuki", "Ochieng", "Wafula", "Njoroge", "Kiplagat", "Mwende", "Omondi", "Gitau", "Cheruiyot", "Muthoni", "Barasa", "Kimani", "Awuor", "Too", "Macharia"];
const NIGERIAN_FIRST = ["Chinedu", "Aisha", "Oluwaseun", "Ngozi", "Emeka", "Funmilayo", "Ibrahim", "Adaeze", "Tunde", "Zainab", "Obinna", "Yetunde", "Musa", "Chiamaka", "Babatunde"];
const NIGERIAN_LAST = ["Okafor", "Bello", "Adeyemi", "Eze", "Abubakar", "Olawale", "Nwosu", "Danjuma", "Adebayo", "Okonkwo", "Lawal", "Ogunleye", "Usman", "Chukwu", "Afolabi"];

const SEED_ACTOR = platformSystemActor("seed", ["platform:provision"]);

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

/**
 * An organisation's 30 demo members: names, emails and phones, and for the
 * NGO (Nigerian members) an 11-digit NIN and BVN each. Exported so the e2e
 * log check (e2e/zz-log-hygiene.spec.ts) can look for every one of them.
 */
export function demoMembers(kind: "CLUB" | "NGO") {
  return demoPeople(kind, 30).map((person, i) =>
    kind === "NGO" ? { ...person, nin: String(20_000_000_000 + i * 104_729), bvn: String(22_000_000_000 + i * 130_003) } : person,
  );
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
    const logins = [
      ...ROLES.map((role) => [roleKey(role), role] as const),
      ...(units?.extraFieldManagers ?? []).map((key) => [key, "FIELD_MANAGER"] as const),
      ...(spec.kind === "CLUB" ? ([[SECOND_TREASURER, "TREASURER"]] as const) : []),
    ];
    for (const [key, role] of logins) {
      const email = `${key}@${spec.slug}.test`;
      const { userId } = await addPersonToOrganization(SEED_ACTOR, {
        organizationId: org.id,
        email,
        name: `${key === SECOND_TREASURER ? "Second treasurer" : titleCase(role)} of ${spec.name.split(" ").at(-1)}`,
        password: DEMO_PASSWORD,
        role,
      });
      people[key] = { userId, email, role };
    }
    const owner = memberActor({ organizationId: org.id, ...people.owner, ip: null });
    const memberIds: string[] = [];
    for (const person of demoMembers(spec.kind)) memberIds.push((await createMember(owner, person)).id);
    if (units) {
      const seeded = await seedUnits(owner, people, units.plan, beneficiaryNames(spec.kind));
      if (spec.kind === "NGO") {
        const unit = await assignedUnit(org.id, people["location-admin"].userId);
        const locationAdmin = memberActor({ organizationId: org.id, ...people["location-admin"], ip: null, unit });
        await seedBatches(locationAdmin, seeded.locations["Food Relief/Ikeja"]!);
        const ikeja = seeded.beneficiaries.find((b) => b.locationId === seeded.locations["Food Relief/Ikeja"])!;
        await seedAttachments(locationAdmin, { id: ikeja.id, name: "The beneficiary" });
      } else {
        await seedReviewBatch(owner, Object.values(seeded.locations)[0]!);
      }
    }
    if (spec.kind === "CLUB") {
      const { stripe, daraja } = demoPaymentCredentials(process.env.AUTH_SECRET!, spec.slug);
      await setPaymentCredential(owner, stripe);
      await setPaymentCredential(owner, daraja);
    }
    const dues = DEMO_DUES[spec.slug];
    if (dues) {
      const treasurer = memberActor({ organizationId: org.id, ...people.treasurer, ip: null });
      const loginMember = memberActor({ organizationId: org.id, ...people.member, ip: null });
      await seedDues({ slug: spec.slug, owner, treasurer, memberIds, loginUserId: people.member.userId, loginMember }, dues);
      if (spec.slug === "kilimani") await seedDonations(treasurer);
    }
    if (spec.kind === "CLUB") {
      const treasurer = memberActor({ organizationId: org.id, ...people.treasurer, ip: null });
      const secondTreasurer = memberActor({ organizationId: org.id, ...people[SECOND_TREASURER], ip: null });
      await seedWelfare({ owner, treasurer, secondTreasurer }, memberIds);
    }
  }
  await createDistrictAdmin(SEED_ACTOR, { email: "district-admin@harambee.test", name: "District D9212 Admin", password: DEMO_PASSWORD, districtCode: "D9212" });
}
