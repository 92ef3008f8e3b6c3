import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { MemberPayer, PayLinkVisitor } from "../services/invoice-payments";
import { memberRequest, tenantRequest } from "./request";

/**
 * Who pays, for the pay actions (lib/services/invoice-payments.ts): the
 * signed-in member (signed out → sign-in), or whoever opened a pay link on
 * the club's host, signed in or not. The link's holder becomes a system
 * actor holding dues:own for the one invoice the link names
 * (`payLinkPayer`), only once the service has verified the link.
 * The origin is the club's own: Stripe returns there, and M-Pesa calls back there.
 */
async function requestOrigin(): Promise<string> {
  const h = await headers();
  // X-Forwarded-Proto reaches us only from a trusted proxy (scripts/serve.ts); the Host passed middleware's allow-list.
  return `${h.get("x-forwarded-proto") === "https" ? "https" : "http"}://${h.get("host")}`;
}

export const memberPayer = async (): Promise<MemberPayer> => ({ actor: (await memberRequest()).actor, origin: await requestOrigin() });

export const payLinkVisitor = async (): Promise<PayLinkVisitor> => {
  const { org, ip } = await tenantRequest();
  // A suspended club takes no payments, by link or otherwise.
  if (org.status === "SUSPENDED") redirect("/suspended");
  return { organizationId: org.id, ip, origin: await requestOrigin() };
};

/** The visitor on the club's public donation page: like a pay-link holder, signed in or not, on the club's own host. */
export const donationVisitor = payLinkVisitor;
