import { createHmac } from "node:crypto";

/**
 * The demo clubs' provider accounts. They point at the local stand-ins that
 * `npm start` runs offline (scripts/lib/stripe-fake.ts, scripts/lib/daraja-stand-in.ts),
 * and are derived from the data directory's AUTH_SECRET, so no secret is in
 * source and the e2e suite (which reads that directory) can sign as Stripe.
 */
const derived = (authSecret: string, label: string) => createHmac("sha256", authSecret).update(`demo-payments:${label}`).digest("base64url").replace(/[-_]/g, "x");

export function demoPaymentCredentials(authSecret: string, slug: string) {
  return {
    stripe: {
      provider: "STRIPE" as const,
      secretKey: `sk_test_${derived(authSecret, `${slug}:stripe-key`)}`,
      webhookSecret: `whsec_${derived(authSecret, `${slug}:stripe-webhook`)}`,
    },
    daraja: {
      provider: "MPESA_DARAJA" as const,
      // Safaricom's public sandbox paybill; the passkey and app keys are this demo's own.
      shortcode: "174379",
      passkey: derived(authSecret, `${slug}:daraja-passkey`),
      consumerKey: derived(authSecret, `${slug}:daraja-key`),
      consumerSecret: derived(authSecret, `${slug}:daraja-secret`),
      // Welfare payouts (B2C): Safaricom's sandbox initiator; the credential is this demo's own.
      initiatorName: "testapi",
      securityCredential: Buffer.from(derived(authSecret, `${slug}:daraja-b2c`)).toString("base64"),
    },
  };
}
