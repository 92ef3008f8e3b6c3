import { randomBytes } from "node:crypto";
import { setPaymentCredential } from "@/lib/services/payment-credentials";
import type { TestOrganization } from "./organizations";

/**
 * The owner saves the club's Daraja credentials (fresh random secrets each
 * time), as the payments settings page does: STK Push, and with `b2c` the
 * initiator and security credential that welfare payouts need too.
 */
export async function giveDarajaCredentials(org: TestOrganization, { b2c = false, shortcode = "174379" } = {}): Promise<void> {
  const key = randomBytes(12).toString("hex");
  await setPaymentCredential(org.actors.OWNER, {
    provider: "MPESA_DARAJA",
    shortcode,
    passkey: `passkey-${key}`,
    consumerKey: `key-${key}`,
    consumerSecret: `secret-${key}`,
    ...(b2c ? { initiatorName: "testapi", securityCredential: Buffer.from(`credential-${key}`).toString("base64") } : {}),
  });
}
