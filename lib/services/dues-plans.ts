import { auditDiff } from "../audit/redact";
import { notFoundError, invalidError } from "../errors";
import { createPlanInput, enrolMemberInput, setPlanActiveInput, unenrolMemberInput } from "../schemas/dues";
import { defineMutation } from "./mutation";
import { onUniqueViolation } from "./unique-violation";

/**
 * Dues plans and who is on them. A family or corporate plan bundles members
 * under one payer: the invoice goes to the payer and covers the bundle.
 */
export const createPlan = defineMutation({
  action: "dues_plan.create",
  capability: "dues:collect",
  input: createPlanInput,
  run: async (tx, input, actor) => {
    const plan = await tx.duesPlan
      .create({
        data: { ...input, organizationId: actor.organizationId, createdById: actor.userId },
        select: { id: true, name: true, level: true, amountMinor: true, currency: true, periodKind: true, dueDays: true, graceDays: true },
      })
      .catch(onUniqueViolation({ name: ["name", "A plan with this name exists"] }));
    const { id, ...after } = plan;
    return { result: plan, audit: { summary: `Dues plan "${plan.name}" created`, targetType: "DuesPlan", targetId: id, after } };
  },
});

export const setPlanActive = defineMutation({
  action: "dues_plan.set_active",
  capability: "dues:collect",
  input: setPlanActiveInput,
  run: async (tx, { planId, active }, actor) => {
    const plan = await tx.duesPlan.findFirst({ where: { id: planId, organizationId: actor.organizationId }, select: { id: true, name: true, active: true } });
    if (!plan) throw notFoundError();
    await tx.duesPlan.update({ where: { id: plan.id }, data: { active } });
    return {
      result: { id: plan.id, active },
      audit: {
        summary: `Dues plan "${plan.name}" ${active ? "reopened" : "closed to new invoices"}`,
        targetType: "DuesPlan",
        targetId: plan.id,
        before: { active: plan.active },
        after: { active },
      },
    };
  },
});

/** Puts a member on a plan (or moves them to another); a bundle member names the member who pays. */
export const enrolMember = defineMutation({
  action: "dues.enrol",
  capability: "dues:collect",
  input: enrolMemberInput,
  run: async (tx, input, actor) => {
    const payerId = input.payerId ?? input.memberId;
    const [plan, members, payerEnrolment, existing] = await Promise.all([
      tx.duesPlan.findFirst({ where: { id: input.planId, organizationId: actor.organizationId, active: true }, select: { id: true, name: true, level: true } }),
      tx.member.findMany({ where: { id: { in: [input.memberId, payerId] }, organizationId: actor.organizationId, status: "ACTIVE" }, select: { id: true } }),
      payerId === input.memberId ? null : tx.duesEnrolment.findFirst({ where: { memberId: payerId, organizationId: actor.organizationId }, select: { planId: true, payerId: true } }),
      tx.duesEnrolment.findFirst({ where: { memberId: input.memberId, organizationId: actor.organizationId }, select: { id: true, planId: true, payerId: true } }),
    ]);
    if (!plan || members.length !== new Set([input.memberId, payerId]).size) throw notFoundError();
    if (payerId !== input.memberId) {
      if (plan.level === "INDIVIDUAL") throw invalidError("An individual plan has no bundle.", { payerId: ["Only family and corporate plans are paid by another member"] });
      if (!payerEnrolment || payerEnrolment.planId !== plan.id || payerEnrolment.payerId !== payerId) {
        throw invalidError("The payer must be on this plan and pay for themself.", { payerId: ["Enrol the payer on this plan first"] });
      }
    }
    if (existing && existing.payerId === input.memberId && payerId !== input.memberId) {
      const dependants = await tx.duesEnrolment.count({ where: { payerId: input.memberId, organizationId: actor.organizationId, NOT: { memberId: input.memberId } } });
      if (dependants > 0) throw invalidError("This member pays for others.", { payerId: ["Move the members they pay for first"] });
    }
    const data = { planId: plan.id, payerId };
    const enrolment = existing
      ? await tx.duesEnrolment.update({ where: { id: existing.id }, data, select: { id: true } })
      : await tx.duesEnrolment.create({ data: { ...data, memberId: input.memberId, organizationId: actor.organizationId }, select: { id: true } });
    return {
      result: { id: enrolment.id },
      audit: {
        summary: `Member enrolled on dues plan "${plan.name}"`,
        targetType: "Member",
        targetId: input.memberId,
        ...auditDiff("DuesEnrolment", existing ? { planId: existing.planId, payerId: existing.payerId } : null, data),
      },
    };
  },
});

export const unenrolMember = defineMutation({
  action: "dues.unenrol",
  capability: "dues:collect",
  input: unenrolMemberInput,
  run: async (tx, { memberId }, actor) => {
    const enrolment = await tx.duesEnrolment.findFirst({ where: { memberId, organizationId: actor.organizationId }, select: { id: true, planId: true, payerId: true } });
    if (!enrolment) throw notFoundError();
    const dependants = await tx.duesEnrolment.count({ where: { payerId: memberId, organizationId: actor.organizationId, NOT: { memberId } } });
    if (dependants > 0) throw invalidError("This member pays for others.", { memberId: ["Move the members they pay for first"] });
    await tx.duesEnrolment.delete({ where: { id: enrolment.id } });
    return {
      result: { memberId },
      audit: { summary: "Member taken off their dues plan", targetType: "Member", targetId: memberId, before: { planId: enrolment.planId, payerId: enrolment.payerId }, after: null },
    };
  },
});
