"use server";

import { memberAction } from "@/lib/actions/form-action";
import { issueInvoice, issuePeriod, openInvoice, voidInvoice } from "@/lib/services/dues";
import { createPlan, enrolMember, setPlanActive } from "@/lib/services/dues-plans";
import { recordPayment } from "@/lib/services/payments";

export const createPlanAction = memberAction(createPlan, { revalidate: "/dues", success: (plan) => `Plan "${plan.name}" created.` });
export const setPlanActiveAction = memberAction(setPlanActive, { revalidate: "/dues", success: (plan) => (plan.active ? "Plan reopened." : "Plan retired.") });
export const enrolMemberAction = memberAction(enrolMember, { revalidate: "/dues", success: "Member enrolled." });
export const issuePeriodAction = memberAction(issuePeriod, { revalidate: "/dues", success: (r) => `${r.issued} invoice${r.issued === 1 ? "" : "s"} issued for ${r.period}.` });
export const issueInvoiceAction = memberAction(issueInvoice, { revalidate: "/dues/invoices", redirectTo: (invoice) => `/dues/invoices/${invoice.id}` });
export const openInvoiceAction = memberAction(openInvoice, { revalidate: (r) => `/dues/invoices/${r.id}`, success: "Invoice opened." });
export const voidInvoiceAction = memberAction(voidInvoice, { revalidate: (r) => `/dues/invoices/${r.id}`, success: "Invoice voided." });
export const recordPaymentAction = memberAction(recordPayment, { revalidate: (r) => `/dues/invoices/${r.invoiceId}`, success: "Payment recorded." });
