import { createMember } from "@/lib/services/members";
import { createPlan } from "@/lib/services/dues-plans";
import { issueInvoice } from "@/lib/services/dues";
import type { TestOrganization } from "./organizations";

/**
 * An open annual invoice for a new member, made through the services the
 * treasurer's pages use: the arrangement most payment tests start from.
 */
export async function createTestInvoice(org: TestOrganization, options: { amount?: string; currency?: string; planName?: string } = {}) {
  const treasurer = org.actors.TREASURER;
  const member = await createMember(org.actors.ADMIN, { firstName: "Wairimu", lastName: `Payer ${Math.random().toString(36).slice(2, 8)}` });
  const plan = await createPlan(treasurer, {
    name: options.planName ?? `Annual ${Math.random().toString(36).slice(2, 8)}`,
    currency: options.currency ?? "KES",
    amount: options.amount ?? "12000",
    periodKind: "ANNUAL",
  });
  const invoice = await issueInvoice(treasurer, { memberId: member.id, planId: plan.id });
  return { member, plan, invoice };
}
