import { auditDiff } from "../audit/redact";
import { scope } from "../authz/scope";
import { notFoundError } from "../errors";
import { createBeneficiaryInput, updateBeneficiaryInput } from "../schemas/beneficiaries";
import { defineMutation } from "./mutation";

const editable = { firstName: true, lastName: true, householdSize: true } as const;

export const createBeneficiary = defineMutation({
  action: "beneficiary.create",
  capability: "beneficiaries:write",
  input: createBeneficiaryInput,
  run: async (tx, input, actor) => {
    // Who registered a beneficiary is what a field manager's reach is measured by.
    if (!actor.userId) throw new Error("Beneficiaries are registered by a person");
    const location = await tx.location.findFirst({ where: { id: input.locationId, ...scope(actor, "location") }, select: { id: true } });
    if (!location) throw notFoundError();
    const beneficiary = await tx.beneficiary.create({
      data: { ...input, organizationId: actor.organizationId, createdById: actor.userId },
      select: { id: true, locationId: true, ...editable },
    });
    const { id, ...after } = beneficiary;
    return {
      result: beneficiary,
      audit: { summary: "Beneficiary registered", targetType: "Beneficiary", targetId: id, ...auditDiff("Beneficiary", null, after) },
    };
  },
});

export const updateBeneficiary = defineMutation({
  action: "beneficiary.update",
  capability: "beneficiaries:write",
  input: updateBeneficiaryInput,
  run: async (tx, { id, ...changes }, actor) => {
    const before = await tx.beneficiary.findFirst({ where: { id, ...scope(actor, "beneficiary") }, select: editable });
    if (!before) throw notFoundError();
    const after = await tx.beneficiary.update({ where: { id }, data: changes, select: editable });
    return {
      result: { id, ...after },
      audit: { summary: "Beneficiary details edited", targetType: "Beneficiary", targetId: id, ...auditDiff("Beneficiary", before, after) },
    };
  },
});
