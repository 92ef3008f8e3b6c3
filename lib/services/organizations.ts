import { z } from "zod";
import { withPlatform } from "../db/platform";
import { appendAudit, type AuditActor } from "../audit/append";
import { hashPassword } from "../auth/passwords";
import { ROLES } from "../authz/capabilities";
import { conflictError, invalidError } from "../errors";
import { RESERVED_SUBDOMAINS } from "../tenancy/host";

/**
 * Platform-level changes: organisations and their people. These run as the
 * platform role and are audited on the platform chain and, where an
 * organisation is touched, on that organisation's chain too.
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

export async function createOrganization(actor: AuditActor, raw: z.input<typeof organizationInput>) {
  const parsed = organizationInput.safeParse(raw);
  if (!parsed.success) throw invalidError("Please correct the organisation details.", z.flattenError(parsed.error).fieldErrors);
  const { districtCode, ...input } = parsed.data;
  return withPlatform(async (tx) => {
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
    const record = { summary: "Organisation created", targetType: "Organization", targetId: org.id, after: { ...org, districtCode: districtCode ?? null } };
    await appendAudit(tx, null, actor, { action: "organization.create", ...record });
    await appendAudit(tx, org.id, actor, { action: "organization.create", ...record });
    return org;
  });
}

const membershipInput = z.object({
  organizationId: z.uuid(),
  email: z.email().trim().toLowerCase(),
  name: z.string().trim().min(1).max(120),
  password: z.string().min(12),
  role: z.enum(ROLES),
});

/** Adds a person to an organisation, creating their login when they have none yet. */
export async function addPersonToOrganization(actor: AuditActor, raw: z.input<typeof membershipInput>) {
  const input = membershipInput.parse(raw);
  const passwordHash = await hashPassword(input.password);
  return withPlatform(async (tx) => {
    const user =
      (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) ??
      (await tx.user.create({ data: { email: input.email, name: input.name, passwordHash }, select: { id: true } }));
    const membership = await tx.membership.create({
      data: { organizationId: input.organizationId, userId: user.id, role: input.role },
      select: { id: true, role: true },
    });
    const record = {
      summary: `Person added with role ${input.role}`,
      targetType: "Membership",
      targetId: membership.id,
      after: { organizationId: input.organizationId, userId: user.id, role: membership.role },
    };
    await appendAudit(tx, null, actor, { action: "membership.create", ...record });
    await appendAudit(tx, input.organizationId, actor, { action: "membership.create", ...record });
    return { userId: user.id, membershipId: membership.id };
  });
}

/** A platform administrator login (no organisation membership needed). */
export async function createPlatformAdmin(actor: AuditActor, raw: { email: string; name: string; password: string }) {
  const input = membershipInput.pick({ email: true, name: true, password: true }).parse(raw);
  const passwordHash = await hashPassword(input.password);
  return withPlatform(async (tx) => {
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash, isPlatformAdmin: true },
      select: { id: true },
    });
    await appendAudit(tx, null, actor, {
      action: "platform_admin.create",
      summary: "Platform administrator created",
      targetType: "User",
      targetId: user.id,
    });
    return user;
  });
}

/** A district admin login: reads the district's aggregate report on the apex, belongs to no organisation. */
export async function createDistrictAdmin(actor: AuditActor, raw: { email: string; name: string; password: string; districtCode: string }) {
  const input = membershipInput.pick({ email: true, name: true, password: true }).extend({ districtCode: z.string().trim().min(1).max(20) }).parse(raw);
  const passwordHash = await hashPassword(input.password);
  return withPlatform(async (tx) => {
    const district = await tx.district.findUnique({ where: { code: input.districtCode }, select: { id: true } });
    if (!district) throw invalidError("No such district.", { districtCode: ["No such district"] });
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash, districtAdminOfId: district.id },
      select: { id: true },
    });
    await appendAudit(tx, null, actor, {
      action: "district_admin.create",
      summary: `District admin of ${input.districtCode} created`,
      targetType: "User",
      targetId: user.id,
      after: { districtCode: input.districtCode },
    });
    return user;
  });
}
