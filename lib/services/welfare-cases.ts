import { auditDiff } from "../audit/redact";
import { invalidError } from "../errors";
import { openWelfareCaseInput } from "../schemas/welfare-cases";
import { defineMutation } from "./mutation";

/** Opens a welfare case; its notes are stored encrypted and audited only as "[set]". */
export const openWelfareCase = defineMutation({
  action: "welfare_case.open",
  capability: "welfare:write",
  input: openWelfareCaseInput,
  run: async (tx, { memberId, title, notes }, actor) => {
    // RLS: another organisation's member reads as missing.
    if (memberId && !(await tx.member.findUnique({ where: { id: memberId }, select: { id: true } }))) {
      throw invalidError("Please correct the highlighted fields.", { memberId: ["Unknown member"] });
    }
    const created = await tx.welfareCase.create({
      data: { organizationId: actor.organizationId, memberId: memberId ?? null, title, notes, createdById: actor.userId },
      select: { id: true, memberId: true, title: true, notes: true, status: true },
    });
    const { id, ...after } = created;
    return {
      result: { id },
      audit: { summary: "Welfare case opened", targetType: "WelfareCase", targetId: id, ...auditDiff("WelfareCase", null, after) },
    };
  },
});
