import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { donationVisitor } from "@/lib/context/payer";
import { tenantRequest } from "@/lib/context/request";
import { publicFunds } from "@/lib/queries/donations";
import { giveByMpesaAction } from "./actions";
import { DonateForm } from "./donate-form";

export const metadata: Metadata = { title: "Donate", referrer: "no-referrer" };

/**
 * The club's public donation page on its own subdomain: no sign-in. Each
 * render hands the form a fresh one-time key (a reload starts a new gift).
 */
export default async function DonatePage() {
  const { organizationId } = await donationVisitor(); // a suspended club takes no gifts: /suspended
  const { org } = await tenantRequest();
  const funds = await publicFunds(organizationId);
  return (
    <main className="mx-auto max-w-xl px-6 py-16" data-testid="donate">
      <p className="text-sm text-gray-600">{org.name}</p>
      <h1 className="mt-1 text-2xl font-semibold">Give to {org.name}</h1>
      <p className="mt-2 text-sm">Your gift is paid by M-Pesa. A numbered receipt is issued once M-Pesa confirms it, and emailed to you if you give your email.</p>
      <div className="mt-6">
        <DonateForm action={giveByMpesaAction} idempotencyKey={randomUUID()} funds={funds} />
      </div>
    </main>
  );
}
