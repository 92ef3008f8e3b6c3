import { ROLES } from "../../lib/authz/capabilities";
import type { Check } from "./matrix";
import type { ActionCall } from "./server-actions";
import { actionId, postAction } from "./server-actions";

/**
 * The dues side of the isolation matrix. A dues action allowed on the
 * person's own object changes it for good (a voided invoice cannot be voided
 * again, a period cannot be issued twice), so each role's "own" call gets a
 * fresh object of its own, arranged beforehand through the treasurer's
 * actions: a payer on a monthly plan, one open invoice to take payments,
 * and per role a draft to open, an invoice to void and periods to issue.
 * Foreign and missing calls use the matrix's target, as for every action.
 */
export type DuesPools = { memberId: string; planId: string; payableId: string; drafts: string[]; voidable: string[] };

let pools: DuesPools | null = null;

const APP = "app/(tenant)/(app)";
const roleIndex = (check: Check) => ROLES.indexOf(check.role);
/** A period of the monthly plan no other call uses: a Rotary year per role and purpose. */
const period = (firstYear: number, check: Check) => `${firstYear + roleIndex(check)}-${String((firstYear + roleIndex(check) + 1) % 100).padStart(2, "0")}-M01`;

/** Posts one of the app's actions as the treasurer; the id a redirecting action sends the browser to, if any. */
async function post(host: string, cookie: string, file: string, name: string, path: string, fields: Record<string, string>): Promise<string | null> {
  const response = await postAction({ host, path, cookie, id: actionId(`${APP}/${file}`, name), call: { fields } });
  const redirect = response.headers["x-action-redirect"];
  if (response.status !== 200 || response.body.includes('"ok":false')) throw new Error(`arranging dues: ${name} answered ${response.status}: ${response.body.slice(0, 300)}`);
  return typeof redirect === "string" ? (/[0-9a-f-]{36}/.exec(redirect)?.[0] ?? null) : null;
}

export async function arrangeMatrixDues(host: string, treasurerCookie: string, planIdByName: (name: string) => Promise<string>): Promise<DuesPools> {
  const act = (file: string, name: string, path: string, fields: Record<string, string>) => post(host, treasurerCookie, file, name, path, fields);
  const memberId = await act("members/actions.ts", "createMemberAction", "/members/new", { firstName: "Matrix", lastName: `Dues payer ${Date.now()}` });
  if (!memberId) throw new Error("arranging dues: no member id");
  const name = `Matrix monthly ${Date.now()}`;
  await act("dues/actions.ts", "createPlanAction", "/dues", { name, level: "INDIVIDUAL", currency: "KES", amount: "100000", periodKind: "MONTHLY", dueDays: "30", graceDays: "90" });
  const planId = await planIdByName(name);
  await act("dues/actions.ts", "enrolMemberAction", "/dues", { memberId, planId, payerId: "" });
  const issue = async (key: string, draft: boolean) => {
    const id = await act("dues/actions.ts", "issueInvoiceAction", "/dues", { memberId, planId, period: key, ...(draft ? { draft: "true" } : {}) });
    if (!id) throw new Error(`arranging dues: no invoice id for ${key}`);
    return id;
  };
  const payableId = await issue("2030-31-M01", false);
  const drafts: string[] = [];
  const voidable: string[] = [];
  for (let i = 0; i < ROLES.length; i++) {
    drafts.push(await issue(`2031-32-M${String(i + 1).padStart(2, "0")}`, true));
    voidable.push(await issue(`2032-33-M${String(i + 1).padStart(2, "0")}`, false));
  }
  pools = { memberId, planId, payableId, drafts, voidable };
  return pools;
}

function arranged(): DuesPools {
  if (!pools) throw new Error("the dues actions need arrangeMatrixDues() first");
  return pools;
}

const own = (check: Check, mine: (p: DuesPools) => string) => (check.case === "own" ? mine(arranged()) : check.target!.id);
let serial = 0;

/** The form each dues and payment-settings action is posted with. */
export const DUES_CALLS: Record<string, (check: Check) => ActionCall> = {
  // Unlinking the arranged payer: the seeded member logins stay linked.
  linkMemberLoginAction: (c) => ({ fields: { memberId: own(c, (p) => p.memberId), userId: "" } }),
  createPlanAction: (c) => ({ fields: { name: `Matrix ${c.role} ${Date.now()}-${++serial}`, currency: "KES", amount: "100", periodKind: "ANNUAL", dueDays: "30", graceDays: "90" } }),
  setPlanActiveAction: (c) => ({ fields: { planId: own(c, (p) => p.planId), active: "true" } }),
  enrolMemberAction: (c) => ({ fields: { memberId: own(c, (p) => p.memberId), planId: arranged().planId, payerId: "" } }),
  issuePeriodAction: (c) => ({ fields: { planId: own(c, (p) => p.planId), period: period(2040, c) } }),
  issueInvoiceAction: (c) => ({ fields: { memberId: own(c, (p) => p.memberId), planId: arranged().planId, period: period(2050, c) } }),
  openInvoiceAction: (c) => ({ fields: { invoiceId: own(c, (p) => p.drafts[roleIndex(c)]) } }),
  voidInvoiceAction: (c) => ({ fields: { invoiceId: own(c, (p) => p.voidable[roleIndex(c)]), reason: "Isolation matrix" } }),
  recordPaymentAction: (c) => ({
    fields: { invoiceId: own(c, (p) => p.payableId), method: "CASH", amount: "1", reference: `MATRIX-${c.role}-${Date.now()}-${++serial}`, paidOn: new Date().toISOString().slice(0, 10) },
  }),
  setPaymentCredentialAction: () => ({
    fields: { provider: "MPESA_DARAJA", shortcode: "174379", passkey: "matrix-passkey", consumerKey: "matrix-consumer-key", consumerSecret: "matrix-consumer-secret" },
  }),
};
