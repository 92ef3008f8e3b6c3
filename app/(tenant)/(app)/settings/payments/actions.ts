"use server";

import { memberAction } from "@/lib/actions/form-action";
import { setPaymentCredential } from "@/lib/services/payment-credentials";

export const setPaymentCredentialAction = memberAction(setPaymentCredential, {
  revalidate: "/settings/payments",
  success: (saved) => `${saved.provider === "STRIPE" ? "Stripe" : "M-Pesa"} connected. The keys are stored encrypted and will not be shown again.`,
});
