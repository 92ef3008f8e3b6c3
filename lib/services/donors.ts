import { auditDiff } from "../audit/redact";
import { createDonorInput } from "../schemas/donors";
import { defineMutation } from "./mutation";

/** Records a donor; name and email are stored encrypted, the email also as a blind index. */
export const createDonor = defineMutation({
  action: "donor.create",
  capability: "donations:write",
  input: createDonorInput,
  run: async (tx, input, actor) => {
    const donor = await tx.donor.create({
      data: { ...input, organizationId: actor.organizationId, createdById: actor.userId },
      select: { id: true, name: true, email: true },
    });
    const { id, ...after } = donor;
    return {
      result: { id },
      audit: { summary: "Donor added", targetType: "Donor", targetId: id, ...auditDiff("Donor", null, after) },
    };
  },
});
