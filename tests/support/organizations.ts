import { randomBytes } from "node:crypto";
import { ROLES, type RoleName } from "@/lib/authz/capabilities";
import { memberActor, platformSystemActor, type Actor } from "@/lib/authz/actor";
import { addPersonToOrganization, createOrganization } from "@/lib/services/organizations";

export const TEST_PASSWORD = "Correct-Horse-Battery-42";
export const TEST_ACTOR = platformSystemActor("test", ["platform:provision"]);

export type TestOrganization = {
  id: string;
  slug: string;
  actors: Record<RoleName, Actor>;
  emails: Record<RoleName, string>;
};

/** A fresh organisation with one person per role, made through the platform services. */
export async function createTestOrganization(prefix = "org", kind: "CLUB" | "NGO" = "CLUB"): Promise<TestOrganization> {
  const slug = `${prefix}-${randomBytes(4).toString("hex")}`;
  const org = await createOrganization(TEST_ACTOR, { slug, name: `Test ${slug}`, kind });
  const actors = {} as Record<RoleName, Actor>;
  const emails = {} as Record<RoleName, string>;
  for (const role of ROLES) {
    const email = `${role.toLowerCase()}@${slug}.test`;
    const { userId } = await addPersonToOrganization(TEST_ACTOR, {
      organizationId: org.id,
      email,
      name: `${role} ${slug}`,
      password: TEST_PASSWORD,
      role,
    });
    actors[role] = memberActor({ organizationId: org.id, userId, email, role, ip: "203.0.113.7" });
    emails[role] = email;
  }
  return { id: org.id, slug, actors, emails };
}
