import { randomBytes } from "node:crypto";
import { auditDiff } from "../audit/redact";
import { setPaymentCredentialInput } from "../schemas/payment-credentials";
import { defineMutation } from "./mutation";

/**
 * Stores (or replaces) the organisation's account with a payment provider,
 * encrypted as one value; the audit trail records only that it was set or
 * changed. An M-Pesa account keeps its callback token across replacements,
 * so callbacks already on their way still find the organisation.
 */
export const setPaymentCredential = defineMutation({
  action: "payment_credential.set",
  capability: "billing:manage",
  input: setPaymentCredentialInput,
  run: async (tx, { provider, ...fields }, actor) => {
    const existing = await tx.paymentCredential.findUnique({
      where: { organizationId_provider: { organizationId: actor.organizationId, provider } },
      select: { id: true, secret: true },
    });
    const previousToken = existing && provider === "MPESA_DARAJA" ? (JSON.parse(existing.secret) as { callbackToken?: string }).callbackToken : undefined;
    const secret = JSON.stringify(provider === "MPESA_DARAJA" ? { ...fields, callbackToken: previousToken ?? randomBytes(32).toString("base64url") } : fields);
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
