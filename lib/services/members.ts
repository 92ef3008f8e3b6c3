import { auditDiff } from "../audit/redact";
import { scope } from "../authz/scope";
import { notFoundError } from "../errors";
import { archiveMemberInput, createMemberInput, updateMemberInput } from "../schemas/member";
import { defineMutation } from "./mutation";

const editable = { firstName: true, lastName: true, email: true, phone: true, status: true } as const;

export const createMember = defineMutation({
  action: "member.create",
  capability: "members:write",
  input: createMemberInput,
  run: async (tx, input, actor) => {
    const member = await tx.member.create({
      data: { ...input, organizationId: actor.organizationId, createdById: actor.userId },
      select: { id: true, ...editable },
    });
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
    const after = await tx.member.update({ where: { id }, data: changes, select: editable });
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
