import { auditDiff } from "../audit/redact";
import { searchIndex } from "../db/search-index";
import { conflictError } from "../errors";
import { recordMpesaPaymentInput } from "../schemas/mpesa-payments";
import { defineMutation } from "./mutation";
import { onUniqueViolation } from "./unique-violation";

const DUPLICATE = "This M-Pesa receipt is already recorded.";

/**
 * Records a confirmed M-Pesa payment once: the receipt number is encrypted and
 * de-duplicated per organisation through its blind index.
 */
export const recordMpesaPayment = defineMutation({
  action: "mpesa_payment.record",
  capability: "dues:collect",
  input: recordMpesaPaymentInput,
  run: async (tx, input, actor) => {
    const receiptNumberIndex = searchIndex("mpesa-receipt", input.receiptNumber);
    if (await tx.mpesaPayment.findFirst({ where: { receiptNumberIndex }, select: { id: true } })) {
      throw conflictError(DUPLICATE, { receiptNumber: [DUPLICATE] });
    }
    const payment = await tx.mpesaPayment
      .create({
        data: { ...input, organizationId: actor.organizationId },
        select: { id: true, receiptNumber: true, phone: true, amountMinor: true, paidAt: true },
      })
      .catch(onUniqueViolation({ receipt_number_index: ["receiptNumber", DUPLICATE] }));
    const { id, ...after } = payment;
    return {
      result: { id },
      audit: { summary: "M-Pesa payment recorded", targetType: "MpesaPayment", targetId: id, ...auditDiff("MpesaPayment", null, after) },
    };
  },
});
