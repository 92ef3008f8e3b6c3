import { demoPaymentCredentials } from "../../prisma/demo-payments";
import { parseHost } from "../../lib/tenancy/host";
import { delivery, postDelivery } from "./stripe-events";
import { startStripeFake, type FakeCheckoutSession, type FakePaymentIntent, type StripeFake } from "./stripe-fake";

/**
 * Stripe for the offline demo: the API fake (scripts/lib/stripe-fake.ts) on
 * 127.0.0.1, whose test checkout, once paid, delivers what Stripe would —
 * checkout.session.completed and payment_intent.succeeded, signed with the
 * demo club's webhook secret (prisma/demo-payments.ts) — to the app's own
 * /api/webhooks/stripe on the club's subdomain, before sending the payer back.
 * The club is the one whose page the payer came from (the session's success URL).
 */
export type OfflineStripeOptions = {
  /** Where the app listens: its webhook is delivered to 127.0.0.1 on this port. */
  appPort: number;
  rootDomain: string;
  /** The demo's AUTH_SECRET, from which its clubs' Stripe secrets are derived. */
  authSecret: string;
};

export async function startOfflineStripe({ appPort, rootDomain, authSecret }: OfflineStripeOptions): Promise<StripeFake> {
  async function completeWith(session: FakeCheckoutSession, intent: FakePaymentIntent) {
    const site = parseHost(new URL(session.success_url).host, rootDomain);
    if (site.kind !== "tenant") throw new Error(`the checkout's success URL ${session.success_url} is on no club's subdomain`);
    const { webhookSecret } = demoPaymentCredentials(authSecret, site.slug).stripe;
    for (const event of [delivery("checkout.session.completed", session), delivery("payment_intent.succeeded", intent)]) {
      const response = await postDelivery({ port: appPort, host: `${site.slug}.${rootDomain}:${appPort}` }, event, webhookSecret);
      if (response.status !== 200) console.error(`[stripe] the app answered ${response.status} to ${event.type} ${event.eventId}`);
    }
  }
  return startStripeFake({ completeWith });
}
