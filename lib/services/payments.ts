import { auditDiff } from "../audit/redact";
import { normalizePhone } from "../crypto/normalize";
import { indexMatch } from "../db/search-index";
import { parseMoney } from "../dues/money";
import { conflictError, invalidError, notFoundError } from "../errors";
import { recordPaymentInput } from "../schemas/dues";
import { invoiceBeforePayment } from "../queries/ledger";
import { defineMutation } from "./mutation";
import { onUniqueViolation } from "./unique-violation";

const DUPLICATE_REFERENCE = "This reference is already recorded.";
const DUPLICATE_RECEIPT = "This M-Pesa receipt is already recorded.";

/**
 * A payment a treasurer received by hand: cash, a bank transfer, or M-Pesa
 * paid to the till. It lands in the same ledger as card and STK payments; an
 * M-Pesa receipt number is encrypted and unique through its blind index.
 * More than the balance is refused: an overpayment by hand is a typing error.
 */
export const recordPayment = defineMutation({
  action: "payment.record",
  capability: "dues:collect",
  input: recordPaymentInput,
  run: async (tx, input, actor) => {
    const organizationId = actor.organizationId;
    const invoice = await invoiceBeforePayment(tx, organizationId, input.invoiceId);
    if (!invoice) throw notFoundError();
    if (invoice.status !== "OPEN") throw invalidError(`A ${invoice.status.toLowerCase()} invoice takes no payments.`);
    const amountMinor = parseMoney(input.amount, invoice.currency);
    if (amountMinor === null || amountMinor <= 0) throw invalidError("Please correct the highlighted fields.", { amount: [`Enter an amount in ${invoice.currency}`] });
    const balance = invoice.amountMinor - invoice.paidMinor;
    if (amountMinor > balance) throw invalidError("That is more than is owed.", { amount: ["More than is owed"] });
    const phone = input.phone ? normalizePhone(input.phone) : null;
    if (input.phone && !phone) throw invalidError("Please correct the highlighted fields.", { phone: ["Enter the phone number with its country code"] });
    const mpesa = input.method === "MPESA";
    const receiptIndex = mpesa ? indexMatch(organizationId, "mpesa-receipt", input.reference) : null;
    if (receiptIndex && (await tx.payment.findFirst({ where: { organizationId, mpesaReceiptIndex: receiptIndex }, select: { id: true } }))) {
      throw conflictError(DUPLICATE_RECEIPT, { reference: [DUPLICATE_RECEIPT] });
    }
    const payment = await tx.payment
      .create({
        data: {
          organizationId,
          invoiceId: invoice.id,
          method: input.method,
          status: "SUCCEEDED",
          amountMinor,
          currency: invoice.currency,
          reference: mpesa ? null : input.reference,
          mpesaReceipt: mpesa ? input.reference.toUpperCase() : null,
          payerPhone: phone,
          paidAt: new Date(`${input.paidOn}T12:00:00Z`),
          recordedById: actor.userId,
        },
        select: { id: true, method: true, amountMinor: true, currency: true, reference: true, mpesaReceipt: true, payerPhone: true, paidAt: true },
      })
      .catch(onUniqueViolation({ mpesa_receipt_index: ["reference", DUPLICATE_RECEIPT], reference: ["reference", DUPLICATE_REFERENCE] }));
    const { id, ...recorded } = payment;
    const masked = auditDiff("Payment", null, recorded).after;
    return {
      result: { id, invoiceId: invoice.id, paidMinor: invoice.paidMinor + amountMinor },
      audit: {
        summary: `${input.method.toLowerCase()} payment recorded`,
        targetType: "DuesInvoice",
        targetId: invoice.id,
        before: { paidMinor: invoice.paidMinor },
        after: { paidMinor: invoice.paidMinor + amountMinor, payment: { id, ...masked } },
      },
    };
  },
});
