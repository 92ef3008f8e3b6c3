import type { Metadata } from "next";
import { headers } from "next/headers";
import { ActionForm } from "@/app/_components/action-form";
import { PageHeader } from "@/app/_components/page-header";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { memberRequest } from "@/lib/context/request";
import { connectedProviders, mpesaCallbackToken } from "@/lib/queries/payment-credentials";
import { setPaymentCredentialAction } from "./actions";

export const metadata: Metadata = { title: "Payment settings" };

/**
 * The club's own Stripe and M-Pesa accounts. Secrets are write-only: the
 * forms are always empty, and the page says only whether and when each
 * provider was connected, plus the URLs to paste into the providers' dashboards.
 */
export default async function PaymentSettingsPage() {
  const { actor } = await memberRequest();
  const [providers, token] = await notFoundOnAppError(() => Promise.all([connectedProviders(actor), mpesaCallbackToken(actor)]));
  const h = await headers();
  const origin = `${h.get("x-forwarded-proto") === "https" ? "https" : "http"}://${h.get("host")}`;
  const connected = (provider: "STRIPE" | "MPESA_DARAJA") => {
    const found = providers.find((p) => p.provider === provider);
    return found ? `Connected, last changed ${found.updatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "Not connected";
  };
  return (
    <section>
      <PageHeader title="Payment settings" />
      <p className="mt-2 text-sm text-gray-600">Members pay into the club&apos;s own accounts. Keys are stored encrypted and never shown again: to change one, enter all of them anew.</p>
      <div className="mt-8 grid gap-10 md:grid-cols-2">
        <div data-testid="stripe-settings">
          <h2 className="text-lg font-semibold">Stripe (cards)</h2>
          <p className="mt-1 text-sm" data-testid="stripe-status">
            {connected("STRIPE")}
          </p>
          <p className="mt-2 text-sm text-gray-600">Webhook URL (events: checkout.session.completed, payment_intent.succeeded, charge.refunded):</p>
          <code className="block break-all text-sm" data-testid="stripe-webhook-url">
            {origin}/api/webhooks/stripe
          </code>
          <ActionForm
            action={setPaymentCredentialAction}
            hidden={{ provider: "STRIPE" }}
            fields={[
              { name: "secretKey", label: "Secret key", type: "password" },
              { name: "webhookSecret", label: "Webhook signing secret", type: "password" },
            ]}
            submitLabel="Connect Stripe"
            testId="stripe-form"
          />
        </div>
        <div data-testid="mpesa-settings">
          <h2 className="text-lg font-semibold">M-Pesa (Daraja)</h2>
          <p className="mt-1 text-sm" data-testid="mpesa-status">
            {connected("MPESA_DARAJA")}
          </p>
          <p className="mt-2 text-sm text-gray-600">Callback URL:</p>
          <code className="block break-all text-sm" data-testid="mpesa-callback-url">
            {token ? `${origin}/api/webhooks/mpesa/${token}` : "Shown once M-Pesa is connected."}
          </code>
          <ActionForm
            action={setPaymentCredentialAction}
            hidden={{ provider: "MPESA_DARAJA" }}
            fields={[
              { name: "shortcode", label: "Paybill or till number (shortcode)" },
              { name: "passkey", label: "Lipa na M-Pesa passkey", type: "password" },
              { name: "consumerKey", label: "Consumer key", type: "password" },
              { name: "consumerSecret", label: "Consumer secret", type: "password" },
              { name: "initiatorName", label: "B2C initiator name (for welfare payouts; optional)" },
              { name: "securityCredential", label: "B2C security credential (optional)", type: "password" },
            ]}
            submitLabel="Connect M-Pesa"
            testId="mpesa-form"
          />
        </div>
      </div>
    </section>
  );
}
