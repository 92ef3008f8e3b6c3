import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type pg from "pg";
import { platformActor, type Actor, type PlatformActor } from "@/lib/authz/actor";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { mutationRegistry } from "@/lib/services/mutation";
import { createPlatformAdmin } from "@/lib/services/organizations";
import { connectAs } from "./support/database";
import { TEST_PASSWORD, createTestOrganization, type TestOrganization } from "./support/organizations";

/**
 * Every registered mutation writes exactly one audit entry (promise M5.1) on
 * the organisation's chain, and the platform mutations one on the platform
 * chain as well. Every service module is loaded, so every mutation registers;
 * each registered action needs a sample below, or this test fails naming it.
 */
type Mutate = ((actor: Actor | PlatformActor, raw: unknown) => Promise<unknown>) & { action: string };

let org: TestOrganization;
let platformAdmin: PlatformActor;
let owner: pg.Client;
const mutations = new Map<string, Mutate>();

/** Changes that cross the tenant line (definePlatformMutation): recorded on both chains. */
const ON_BOTH_CHAINS = new Set(["support.grant", "support.revoke", "organization.suspend", "organization.restore", "notice.incident", "notice.subprocessor"]);

beforeAll(async () => {
  const dir = path.resolve(import.meta.dirname, "../lib/services");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const exports = (await import(path.join(dir, file))) as Record<string, unknown>;
    for (const value of Object.values(exports)) {
      if (typeof value === "function" && typeof (value as Partial<Mutate>).action === "string") mutations.set((value as Mutate).action, value as Mutate);
    }
  }
  org = await createTestOrganization("mutations", "NGO");
  const email = `platform-${org.slug}@harambee.test`;
  const admin = await createPlatformAdmin({ id: null, label: "test", ip: null }, { email, name: "Platform Admin", password: TEST_PASSWORD });
  platformAdmin = platformActor({ id: admin.id, email, isPlatformAdmin: true, districtAdminOfId: null }, "198.51.100.9");
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner.end();
  await disconnectAll();
});

type Sample = (o: TestOrganization) => Promise<[Actor | PlatformActor, unknown]>;

const sampleMember = async (o: TestOrganization) => (await mutations.get("member.create")!(o.actors.ADMIN, { firstName: "Sample", lastName: "Member" })) as { id: string };
const sampleProgram = async (o: TestOrganization) =>
  (await mutations.get("program.create")!(o.actors.ADMIN, { name: `Program ${Math.random().toString(16).slice(2)}` })) as { id: string };
const sampleLocation = async (o: TestOrganization) =>
  (await mutations.get("location.create")!(o.actors.ADMIN, { programId: (await sampleProgram(o)).id, name: "Sample location" })) as { id: string };
const sampleBeneficiary = async (o: TestOrganization) =>
  (await mutations.get("beneficiary.create")!(o.actors.ADMIN, { locationId: (await sampleLocation(o)).id, firstName: "Sample", lastName: "Person", householdSize: 3 })) as {
    id: string;
  };

/** One valid call per action: the actor and the input (setting up what it needs first). */
const SAMPLES: Record<string, Sample> = {
  "member.create": async (o) => [o.actors.ADMIN, { firstName: "Audit", lastName: "Sample" }],
  "member.update": async (o) => [o.actors.ADMIN, { id: (await sampleMember(o)).id, firstName: "Audit", lastName: "Edited" }],
  "member.archive": async (o) => [o.actors.ADMIN, { id: (await sampleMember(o)).id }],
  "program.create": async (o) => [o.actors.ADMIN, { name: "Audited program" }],
  "location.create": async (o) => [o.actors.ADMIN, { programId: (await sampleProgram(o)).id, name: "Audited location" }],
  "beneficiary.create": async (o) => [o.actors.ADMIN, { locationId: (await sampleLocation(o)).id, firstName: "Audit", lastName: "Sample", householdSize: 2 }],
  "beneficiary.update": async (o) => [o.actors.ADMIN, { id: (await sampleBeneficiary(o)).id, firstName: "Audit", lastName: "Edited", householdSize: 4 }],
  "donor.create": async (o) => [o.actors.TREASURER, { name: "Audit Donor Ltd", email: "donor@example.org" }],
  "mpesa_payment.record": async (o) => [o.actors.TREASURER, { receiptNumber: "QK12AB34CD", phone: "+254712000333", amountMinor: 150_000, paidAt: new Date() }],
  "payment_credential.set": async (o) => [o.actors.OWNER, { provider: "STRIPE", secret: "sk_test_sample_secret" }],
  "welfare_case.open": async (o) => [o.actors.TREASURER, { memberId: (await sampleMember(o)).id, title: "Hospital bill", notes: "Confidential" }],
  "membership.assign_unit": async (o) => [o.actors.ADMIN, { userId: o.actors.PROGRAM_MANAGER.userId, unitId: (await sampleProgram(o)).id }],
  "membership.change_role": async (o) => [o.actors.OWNER, { userId: o.actors.VIEWER.userId, role: "MEMBER" }],
  "membership.remove": async (o) => [o.actors.OWNER, { userId: o.actors.FIELD_MANAGER.userId }],
  "audit.export": async (o) => [o.actors.ADMIN, { action: "member." }],
  "dues.issue": async (o) => [o.actors.TREASURER, { memberId: (await sampleMember(o)).id, period: "2026", amountMinor: 120_000 }],
  "dues.payment": async (o) => [o.actors.TREASURER, { invoiceId: (await sampleInvoice(o)).id, amountMinor: 20_000 }],
  "support.grant": async (o) => [o.actors.OWNER, { hours: 4 }],
  "support.revoke": async (o) => {
    await mutations.get("support.grant")!(o.actors.OWNER, { hours: 1 });
    return [o.actors.OWNER, {}];
  },
  "organization.suspend": async (o) => [platformAdmin, { organizationId: o.id }],
  "notice.incident": async (o) => [platformAdmin, { organizationIds: [o.id], subject: "Sample incident", body: "A sample incident notice for the audit test." }],
  "notice.subprocessor": async () => [platformAdmin, { subject: "Sample sub-processor change", body: "A sample sub-processor change for the audit test." }],
  "organization.restore": async (o) => {
    await mutations.get("organization.suspend")!(platformAdmin, { organizationId: o.id });
    return [platformAdmin, { organizationId: o.id }];
  },
};

async function sampleInvoice(o: TestOrganization) {
  const member = await sampleMember(o);
  return (await mutations.get("dues.issue")!(o.actors.TREASURER, { memberId: member.id, period: "2025", amountMinor: 90_000 })) as { id: string };
}

const chainLength = (organizationId: string) => withTenant(organizationId, (tx) => tx.auditEntry.count());
// The platform chain is no tenant's: the owner role reads it.
const platformChainLength = async () => (await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_entry WHERE organization_id IS NULL")).rows[0].n;

describe("every registered mutation is audited", () => {
  test("[M5.1] every service module's mutations are registered, and each has a sample here", () => {
    expect([...mutations.keys()].sort()).toEqual([...mutationRegistry.keys()].sort());
    const missing = [...mutationRegistry.keys()].filter((action) => !SAMPLES[action]);
    expect(missing, "add a sample call for each new mutation to tests/mutation-audit.integration.test.ts").toEqual([]);
  });

  test("[M5.1] each registered mutation writes exactly one audit entry, with its own action code", async () => {
    const wrote: Record<string, [number, number]> = {};
    for (const action of [...mutationRegistry.keys()].sort()) {
      const sample = SAMPLES[action];
      if (!sample) continue; // reported by the test above
      const [actor, input] = await sample(org);
      const before = [await chainLength(org.id), await platformChainLength()];
      await mutations.get(action)!(actor, input);
      wrote[action] = [(await chainLength(org.id)) - before[0], (await platformChainLength()) - before[1]];
      const last = await withTenant(org.id, (tx) => tx.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" }, select: { action: true } }));
      expect(last.action).toBe(action);
    }
    expect(Object.keys(wrote).length).toBe(mutationRegistry.size);
    expect(wrote).toEqual(Object.fromEntries([...mutationRegistry.keys()].map((action) => [action, [1, ON_BOTH_CHAINS.has(action) ? 1 : 0]])));
  });
});
