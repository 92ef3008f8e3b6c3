import { auditDiff } from "../audit/redact";
import { scope } from "../authz/scope";
import { indexMatch } from "../db/search-index";
import type { TenantTx } from "../db/tenant";
import { conflictError, notFoundError } from "../errors";
import { archiveMemberInput, createMemberInput, linkMemberLoginInput, updateMemberInput, type MemberFields } from "../schemas/members";
import { defineMutation } from "./mutation";
import { onUniqueViolation } from "./unique-violation";

const editable = {
  firstName: true,
  lastName: true,
  email: true,
  phone: true,
  nin: true,
  bvn: true,
  dateOfBirth: true,
  address: true,
  status: true,
} as const;

const DUPLICATE = {
  nin: "A member with this NIN is already registered in this organisation.",
  bvn: "A member with this BVN is already registered in this organisation.",
} as const;

/**
 * One member per NIN (and per BVN) in an organisation, found through the blind
 * index (either form, while `keys:reindex` has not run); the unique index
 * (organization_id, nin_index) settles races. Other organisations are
 * invisible here (RLS), so the same NIN is allowed there.
 */
async function assertIdentifiersFree(tx: TenantTx, organizationId: string, input: Pick<MemberFields, "nin" | "bvn">, exceptId?: string) {
  const other = exceptId ? { NOT: { id: exceptId } } : {};
  for (const field of ["nin", "bvn"] as const) {
    const value = input[field];
    const index = value ? indexMatch(organizationId, field, value) : null;
    if (!index) continue;
    const where = field === "nin" ? { ninIndex: index, ...other } : { bvnIndex: index, ...other };
    if (await tx.member.findFirst({ where, select: { id: true } })) throw conflictError(DUPLICATE[field], { [field]: [DUPLICATE[field]] });
  }
}

const duplicateIdentifier = onUniqueViolation({ nin_index: ["nin", DUPLICATE.nin], bvn_index: ["bvn", DUPLICATE.bvn] });

export const createMember = defineMutation({
  action: "member.create",
  capability: "members:write",
  input: createMemberInput,
  run: async (tx, input, actor) => {
    await assertIdentifiersFree(tx, actor.organizationId, input);
    const member = await tx.member
      .create({
        data: { ...input, organizationId: actor.organizationId, createdById: actor.userId },
        select: { id: true, ...editable },
      })
      .catch(duplicateIdentifier);
    const { id, ...after } = member;
    return {
      result: member,
      audit: { summary: "Member added", targetType: "Member", targetId: id, ...auditDiff("Member", null, after) },
    };
  },
});

export const updateMember = defineMutation({
  action: "member.update",
  capability: "members:write",
  input: updateMemberInput,
  run: async (tx, { id, ...changes }, actor) => {
    // A foreign id reads as missing: the scope names the tenant, and RLS hides other tenants' rows.
    const before = await tx.member.findFirst({ where: { id, ...scope(actor, "member") }, select: editable });
    if (!before) throw notFoundError();
    await assertIdentifiersFree(tx, actor.organizationId, changes, id);
    const after = await tx.member.update({ where: { id, organizationId: actor.organizationId }, data: changes, select: editable }).catch(duplicateIdentifier);
    return {
      result: { id, ...after },
      audit: { summary: "Member details edited", targetType: "Member", targetId: id, ...auditDiff("Member", before, after) },
    };
  },
});

export const archiveMember = defineMutation({
  action: "member.archive",
  capability: "members:write",
  input: archiveMemberInput,
  run: async (tx, { id }, actor) => {
    const before = await tx.member.findFirst({ where: { id, ...scope(actor, "member") }, select: { status: true } });
    if (!before) throw notFoundError();
    const after = await tx.member.update({ where: { id }, data: { status: "ARCHIVED" }, select: { status: true } });
    return {
      result: { id },
      audit: { summary: "Member archived", targetType: "Member", targetId: id, ...auditDiff("Member", before, after) },
    };
  },
});

/**
 * Ties a member record to a login of this organisation, so that person sees
 * their own dues ("My dues"); one record per login.
 */
export const linkMemberLogin = defineMutation({
  action: "member.link_login",
  capability: "roles:manage",
  input: linkMemberLoginInput,
  run: async (tx, { memberId, userId }, actor) => {
    const member = await tx.member.findFirst({ where: { id: memberId, organizationId: actor.organizationId }, select: { id: true, userId: true } });
    if (!member) throw notFoundError();
    if (userId && !(await tx.membership.findFirst({ where: { userId, organizationId: actor.organizationId }, select: { id: true } }))) throw notFoundError();
    await tx.member
      .update({ where: { id: member.id }, data: { userId } })
      .catch(onUniqueViolation({ user_id: ["userId", "That login already has a member record"] }));
    return {
      result: { id: member.id },
      audit: { summary: userId ? "Member record linked to a login" : "Member record unlinked from its login", targetType: "Member", targetId: member.id, before: { userId: member.userId }, after: { userId } },
    };
  },
});
