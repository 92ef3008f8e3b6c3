import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { platformActor, platformSystemActor, type PlatformActor } from "@/lib/authz/actor";
import { disconnectAll } from "@/lib/db/clients";
import { districtReport } from "@/lib/queries/reporting";
import { listMembers } from "@/lib/queries/members";
import { issueInvoice } from "@/lib/services/dues";
import { createPlan } from "@/lib/services/dues-plans";
import { recordPayment } from "@/lib/services/payments";
import { createMember } from "@/lib/services/members";
import { addPersonToOrganization, createDistrictAdmin, createOrganization, createPlatformAdmin } from "@/lib/services/organizations";
import { resolveSession } from "@/lib/queries/sessions";
import { signInToPlatform } from "@/lib/services/platform-sessions";
import { memberActor } from "@/lib/authz/actor";
import { TEST_PASSWORD } from "./support/organizations";

const ACTOR = platformSystemActor("test", ["platform:provision"]);
const tag = () => randomBytes(4).toString("hex");

/** A club in `districtCode` with `members` members, each invoiced `amount`, the first `paidInFull` paid in full and one more paid `partly`. */
async function club(districtCode: string, members: number, amount: number, paidInFull: number, partly: number) {
  const slug = `club-${tag()}`;
  const org = await createOrganization(ACTOR, { slug, name: `Club ${slug}`, kind: "CLUB", districtCode });
  const email = `treasurer@${slug}.test`;
  const { userId } = await addPersonToOrganization(ACTOR, { organizationId: org.id, email, name: "T", password: TEST_PASSWORD, role: "TREASURER" });
  const treasurer = memberActor({ organizationId: org.id, userId, email, role: "TREASURER", ip: null });
  const plan = await createPlan(treasurer, { name: "Annual dues", currency: "KES", amount: String(amount / 100), periodKind: "ANNUAL" });
  for (let n = 0; n < members; n += 1) {
    const { id } = await createMember(treasurer, { firstName: `Secret${n}`, lastName: `Person-${slug}`, email: `p${n}@${slug}.test` });
    const invoice = await issueInvoice(treasurer, { memberId: id, planId: plan.id });
    const paid = n < paidInFull ? amount : n === paidInFull ? partly : 0;
    if (paid > 0) await recordPayment(treasurer, { invoiceId: invoice.id, method: "CASH", amount: String(paid / 100), reference: `R-${n}`, paidOn: "2026-07-15" });
  }
  return { org, treasurer };
}

let district: string;
let admin: PlatformActor;
let a: Awaited<ReturnType<typeof club>>;
let b: Awaited<ReturnType<typeof club>>;

beforeAll(async () => {
  district = `D${tag()}`;
  a = await club(district, 4, 1_000_000, 2, 250_000);
  b = await club(district, 3, 500_000, 0, 100_000);
  await club(`D${tag()}`, 2, 700_000, 1, 0); // another district's club
  const email = `district-${tag()}@harambee.test`;
  await createDistrictAdmin(ACTOR, { email, name: "DA", password: TEST_PASSWORD, districtCode: district });
  const signedIn = await signInToPlatform({ ip: "203.0.113.9", userAgent: null }, { email, password: TEST_PASSWORD });
  admin = platformActor(signedIn!.user, "203.0.113.9");
});
afterAll(() => disconnectAll());

describe("[B3.1] district admins see aggregates of their district's clubs, never a member row", () => {
  test("per club: active members, dues invoiced, collected and arrears — exactly the sums of the invoices", async () => {
    const report = await districtReport(admin);
    expect(report.district.code).toBe(district);
    const bySlug = Object.fromEntries(report.clubs.map(({ slug, ...figures }) => [slug, figures]));
    expect(Object.keys(bySlug).sort()).toEqual([a.org.slug, b.org.slug].sort());
    expect(bySlug[a.org.slug]).toEqual({
      name: a.org.name,
      status: "ACTIVE",
      activeMembers: 4,
      duesInvoicedMinor: 4_000_000,
      duesCollectedMinor: 2_250_000,
      arrearsMinor: 1_750_000,
    });
    expect(bySlug[b.org.slug]).toMatchObject({ activeMembers: 3, duesInvoicedMinor: 1_500_000, duesCollectedMinor: 100_000, arrearsMinor: 1_400_000 });
  });

  test("the report carries no member's name, email or id anywhere", async () => {
    const text = JSON.stringify(await districtReport(admin));
    expect(text).not.toMatch(/Secret\d|Person-|@club-/);
    const memberIds = (await listMembers(a.treasurer)).map((m) => m.id);
    expect(memberIds).toHaveLength(4);
    for (const id of memberIds) expect(text).not.toContain(id);
  });

  test("a district admin holds no membership: their session opens no organisation, and the member register refuses them", async () => {
    const signedIn = await signInToPlatform({ ip: null, userAgent: null }, { email: admin.label, password: TEST_PASSWORD });
    expect(await resolveSession(signedIn!.sessionId, a.org.id)).toBeNull();
    const asMember = { organizationId: a.org.id, userId: admin.userId, label: admin.label, role: null, capabilities: admin.capabilities, ip: null };
    await expect(listMembers(asMember)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("a platform admin without the district flag, and a club treasurer, get not-found from the report", async () => {
    const email = `platform-${tag()}@harambee.test`;
    const created = await createPlatformAdmin(ACTOR, { email, name: "PA", password: TEST_PASSWORD });
    const platform = platformActor({ id: created.id, email, isPlatformAdmin: true, districtAdminOfId: null }, null);
    await expect(districtReport(platform)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const treasurer = { ...admin, capabilities: a.treasurer.capabilities };
    await expect(districtReport(treasurer)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
