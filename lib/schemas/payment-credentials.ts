import { z } from "zod";

/**
 * An organisation's own account with a payment provider (replaces the
 * previous one). Stored encrypted as one JSON value; never shown again.
 */
const secret = (pattern: RegExp, message: string) => z.string().trim().max(4096).regex(pattern, message);

export const stripeCredentialFields = z.object({
  provider: z.literal("STRIPE"),
  secretKey: secret(/^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/, "A Stripe secret key starts with sk_test_ or sk_live_"),
  webhookSecret: secret(/^whsec_[A-Za-z0-9+/=_-]{8,}$/, "A webhook signing secret starts with whsec_"),
});

export const darajaCredentialFields = z.object({
  provider: z.literal("MPESA_DARAJA"),
  shortcode: secret(/^\d{5,7}$/, "A paybill or till number has 5 to 7 digits"),
  passkey: secret(/^\S{8,}$/, "Paste the Lipa na M-Pesa passkey"),
  consumerKey: secret(/^\S{8,}$/, "Paste the app's consumer key"),
  consumerSecret: secret(/^\S{8,}$/, "Paste the app's consumer secret"),
  // For paying out (B2C: welfare disbursements); a club that only takes payments leaves them empty.
  initiatorName: z.union([z.literal(""), secret(/^\S{2,64}$/, "The API initiator's user name, as on the M-Pesa org portal")]).optional(),
  securityCredential: z.union([z.literal(""), secret(/^[A-Za-z0-9+/=]{16,}$/, "Paste the initiator password encrypted with Safaricom's certificate (base64)")]).optional(),
});

export const setPaymentCredentialInput = z.discriminatedUnion("provider", [stripeCredentialFields, darajaCredentialFields], "Choose a provider");

export type StripeCredential = Omit<z.infer<typeof stripeCredentialFields>, "provider">;
/** `callbackToken` is ours: the unguessable path segment of the organisation's M-Pesa callback URL. */
export type DarajaCredential = Omit<z.infer<typeof darajaCredentialFields>, "provider"> & { callbackToken: string };
