import { auditDiff } from "../audit/redact";
import { mayReadWelfareNotes } from "../authz/welfare-notes";
import { conflictError, notFoundError } from "../errors";
import { closeWelfareCaseInput, openWelfareCaseInput, updateWelfareNotesInput } from "../schemas/welfare-cases";
import { defineMutation } from "./mutation";

/**
 * Welfare cases: open → approved (its first disbursement approved) → closed.
 * The notes are stored encrypted and audited only as "[set]" / "[changed]"
 * (auditDiff masks every [encrypted] field); only those lib/authz/welfare-notes.ts
 * names may change them. Disbursements: lib/services/welfare-disbursements.ts.
 */
export const openWelfareCase = defineMutation({
  action: "welfare_case.open",
  capability: "welfare:write",
  input: openWelfareCaseInput,
  run: async (tx, { memberId, category, title, notes }, actor) => {
    // RLS: another organisation's member reads as missing, like a forged id (M4.4).
    if (!(await tx.member.findUnique({ where: { id: memberId }, select: { id: true } }))) throw notFoundError();
    const created = await tx.welfareCase.create({
      data: { organizationId: actor.organizationId, memberId, category, title, notes, createdById: actor.userId },
      select: { id: true, memberId: true, category: true, title: true, notes: true, status: true },
    });
    const { id, ...after } = created;
    return {
      result: { id },
      audit: { summary: "Welfare case opened", targetType: "WelfareCase", targetId: id, ...auditDiff("WelfareCase", null, after) },
    };
  },
});

/** New notes for a case, by someone who may read them; to anyone else the case is missing. */
export const updateWelfareNotes = defineMutation({
  action: "welfare_case.notes_update",
  capability: "welfare:write",
  input: updateWelfareNotesInput,
  run: async (tx, { caseId, notes }, actor) => {
    const found = await tx.welfareCase.findUnique({ where: { id: caseId }, select: { id: true, notes: true, createdById: true } });
    if (!found || !mayReadWelfareNotes(actor, found)) throw notFoundError();
    await tx.welfareCase.update({ where: { id: caseId }, data: { notes }, select: { id: true } });
    return {
      result: { id: caseId },
      audit: { summary: "Welfare case notes edited", targetType: "WelfareCase", targetId: caseId, ...auditDiff("WelfareCase", { notes: found.notes }, { notes }) },
    };
  },
});

/** Closes a case: it takes no new disbursement requests; those already approved may still be paid. */
export const closeWelfareCase = defineMutation({
  action: "welfare_case.close",
  capability: "welfare:write",
  input: closeWelfareCaseInput,
  run: async (tx, { caseId }, actor) => {
    const found = await tx.welfareCase.findUnique({ where: { id: caseId }, select: { id: true, status: true } });
    if (!found) throw notFoundError();
    const { count } = await tx.welfareCase.updateMany({ where: { id: caseId, organizationId: actor.organizationId, status: { not: "CLOSED" } }, data: { status: "CLOSED" } });
    if (count === 0) throw conflictError("This case is already closed.");
    return {
      result: { id: caseId },
      audit: { summary: "Welfare case closed", targetType: "WelfareCase", targetId: caseId, ...auditDiff("WelfareCase", { status: found.status }, { status: "CLOSED" }) },
    };
  },
});
