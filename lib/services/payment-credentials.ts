import { auditDiff } from "../audit/redact";
import { setPaymentCredentialInput } from "../schemas/payment-credentials";
import { defineMutation } from "./mutation";

/**
 * Stores (or replaces) the organisation's secret for a payment provider,
 * encrypted; the audit trail records only that it was set or changed.
 */
export const setPaymentCredential = defineMutation({
  action: "payment_credential.set",
  capability: "billing:manage",
  input: setPaymentCredentialInput,
  run: async (tx, { provider, secret }, actor) => {
    const existing = await tx.paymentCredential.findUnique({
      where: { organizationId_provider: { organizationId: actor.organizationId, provider } },
      select: { id: true, secret: true },
    });
    // Updated by id: the row id is part of the ciphertext's associated data.
    const saved = existing
      ? await tx.paymentCredential.update({ where: { id: existing.id }, data: { secret }, select: { id: true, secret: true } })
      : await tx.paymentCredential.create({ data: { organizationId: actor.organizationId, provider, secret }, select: { id: true, secret: true } });
    return {
      result: { id: saved.id, provider },
      audit: {
        summary: `${provider} credential ${existing ? "replaced" : "set"}`,
        targetType: "PaymentCredential",
        targetId: saved.id,
        ...auditDiff("PaymentCredential", existing ? { secret: existing.secret } : null, { secret: saved.secret }),
      },
    };
  },
});
