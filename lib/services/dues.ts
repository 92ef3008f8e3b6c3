import { invalidError, notFoundError } from "../errors";
import { issueDuesInput, recordDuesPaymentInput } from "../schemas/dues";
import { defineMutation } from "./mutation";
import { onUniqueViolation } from "./unique-violation";

/**
 * Dues: one invoice per member per period, paid in part or in full. What is
 * left unpaid is arrears — the figure the district report adds up per club.
 */
export const issueDues = defineMutation({
  action: "dues.issue",
  capability: "dues:collect",
  input: issueDuesInput,
  run: async (tx, input, actor) => {
    const member = await tx.member.findFirst({ where: { id: input.memberId, organizationId: actor.organizationId }, select: { id: true } });
    if (!member) throw notFoundError();
    const invoice = await tx.duesInvoice
      .create({
        data: { ...input, organizationId: actor.organizationId, createdById: actor.userId },
        select: { id: true, memberId: true, period: true, amountMinor: true, paidMinor: true },
      })
      .catch(onUniqueViolation({ period: ["period", "This member already has dues for that period"] }));
    const { id, ...after } = invoice;
    return { result: invoice, audit: { summary: `Dues issued for ${input.period}`, targetType: "DuesInvoice", targetId: id, after } };
  },
});

export const recordDuesPayment = defineMutation({
  action: "dues.payment",
  capability: "dues:collect",
  input: recordDuesPaymentInput,
  run: async (tx, input, actor) => {
    const invoice = await tx.duesInvoice.findFirst({
      where: { id: input.invoiceId, organizationId: actor.organizationId },
      select: { id: true, amountMinor: true, paidMinor: true },
    });
    if (!invoice) throw notFoundError();
    const paidMinor = invoice.paidMinor + input.amountMinor;
    if (paidMinor > invoice.amountMinor) throw invalidError("That is more than is owed.", { amountMinor: ["More than is owed"] });
    await tx.duesInvoice.update({ where: { id: invoice.id }, data: { paidMinor } });
    return {
      result: { id: invoice.id, paidMinor },
      audit: {
        summary: "Dues payment recorded",
        targetType: "DuesInvoice",
        targetId: invoice.id,
        before: { paidMinor: invoice.paidMinor },
        after: { paidMinor },
      },
    };
  },
});
