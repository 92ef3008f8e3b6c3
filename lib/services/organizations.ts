import { z } from "zod";
import { hashPassword } from "../auth/passwords";
import { ROLES } from "../authz/capabilities";
import { conflictError, invalidError } from "../errors";
import { RESERVED_SUBDOMAINS } from "../tenancy/host";
import { definePlatformMutation } from "./platform-mutation";

/**
 * Provisioning: organisations and their first people, platform admins and
 * district admins (`platform:provision`: platform admins, the seed). Audited
 * on the platform chain and, where an organisation is touched, on its chain too.
 */
const organizationInput = z.object({
  slug: z
    .string()
    .trim()
    .toLowerCase()
    // eslint-disable-next-line security/detect-unsafe-regex -- the inner repeat is bounded ({0,40}): linear time
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,40}[a-z0-9])?$/, "Use lowercase letters, digits and dashes")
    .refine((s) => !RESERVED_SUBDOMAINS.has(s), "That address is reserved"),
  name: z.string().trim().min(2).max(120),
  kind: z.enum(["CLUB", "NGO"]),
  districtCode: z.string().trim().min(1).max(20).optional(),
});

export const createOrganization = definePlatformMutation({
  action: "organization.create",
  capability: "platform:provision",
  input: organizationInput,
  run: async (tx, { districtCode, ...input }) => {
    if (await tx.organization.findUnique({ where: { slug: input.slug }, select: { id: true } })) {
      throw conflictError("That address is taken", { slug: ["That address is taken"] });
    }
    const district = districtCode
      ? await tx.district.upsert({ where: { code: districtCode }, update: {}, create: { code: districtCode, name: `District ${districtCode}` } })
      : null;
    const org = await tx.organization.create({
      data: { ...input, districtId: district?.id ?? null },
      select: { id: true, slug: true, name: true, kind: true },
    });
    return {
      result: org,
      organizationIds: [org.id],
      audit: { summary: "Organisation created", targetType: "Organization", targetId: org.id, after: { ...org, districtCode: districtCode ?? null } },
    };
  },
});

const login = z.object({
  email: z.email().trim().toLowerCase(),
  name: z.string().trim().min(1).max(120),
  password: z.string().min(12),
});

/** Adds a person to an organisation, creating their login when they have none yet. */
export const addPersonToOrganization = definePlatformMutation({
  action: "membership.create",
  capability: "platform:provision",
  input: login.extend({ organizationId: z.uuid(), role: z.enum(ROLES) }),
  run: async (tx, input) => {
    const user =
      (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) ??
      (await tx.user.create({ data: { email: input.email, name: input.name, passwordHash: await hashPassword(input.password) }, select: { id: true } }));
    const membership = await tx.membership.create({
      data: { organizationId: input.organizationId, userId: user.id, role: input.role },
      select: { id: true, role: true },
    });
    return {
      result: { userId: user.id, membershipId: membership.id },
      organizationIds: [input.organizationId],
      audit: {
        summary: `Person added with role ${input.role}`,
        targetType: "Membership",
        targetId: membership.id,
        after: { organizationId: input.organizationId, userId: user.id, role: membership.role },
      },
    };
  },
});

/** A platform administrator login (no organisation membership needed). */
export const createPlatformAdmin = definePlatformMutation({
  action: "platform_admin.create",
  capability: "platform:provision",
  input: login,
  run: async (tx, input) => {
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash: await hashPassword(input.password), isPlatformAdmin: true },
      select: { id: true },
    });
    return { result: user, organizationIds: [], audit: { summary: "Platform administrator created", targetType: "User", targetId: user.id } };
  },
});

/** A district admin login: reads the district's aggregate report on the apex, belongs to no organisation. */
export const createDistrictAdmin = definePlatformMutation({
  action: "district_admin.create",
  capability: "platform:provision",
  input: login.extend({ districtCode: z.string().trim().min(1).max(20) }),
  run: async (tx, input) => {
    const district = await tx.district.findUnique({ where: { code: input.districtCode }, select: { id: true } });
    if (!district) throw invalidError("No such district.", { districtCode: ["No such district"] });
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash: await hashPassword(input.password), districtAdminOfId: district.id },
      select: { id: true },
    });
    return {
      result: user,
      organizationIds: [],
      audit: { summary: `District admin of ${input.districtCode} created`, targetType: "User", targetId: user.id, after: { districtCode: input.districtCode } },
    };
  },
});
