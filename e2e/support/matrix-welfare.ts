import { ROLES } from "../../lib/authz/capabilities";
import type { Check } from "./matrix";
import type { ActionCall } from "./server-actions";
import { actionId, postAction } from "./server-actions";

/**
 * The welfare side of the isolation matrix. A welfare action allowed on the
 * person's own object changes it for good (a closed case stays closed, an
 * approved disbursement cannot be approved again), so each role's "own" call
 * gets an object of its own, arranged beforehand through the app's actions:
 * the admin opens the cases and requests every disbursement (so the treasurer,
 * who did not request them, may decide them), the treasurer approves those to
 * be paid. Foreign and missing calls use the matrix's target, as for every action.
 */
export type WelfarePools = { caseId: string; closable: string[]; approvable: string[]; rejectable: string[]; payable: string[]; requested: string };

let pools: WelfarePools | null = null;

const APP = "app/(tenant)/(app)";
const FILE = `${APP}/welfare/actions.ts`;
const roleIndex = (check: Check) => ROLES.indexOf(check.role);

async function post(host: string, cookie: string, name: string, path: string, fields: Record<string, string>): Promise<string | null> {
  const response = await postAction({ host, path, cookie, id: actionId(FILE, name), call: { fields } });
  const redirect = response.headers["x-action-redirect"];
  if (response.status !== 200 || response.body.includes('"ok":false')) throw new Error(`arranging welfare: ${name} answered ${response.status}: ${response.body.slice(0, 300)}`);
  return typeof redirect === "string" ? (/[0-9a-f-]{36}/.exec(redirect)?.[0] ?? null) : null;
}

export async function arrangeMatrixWelfare(
  host: string,
  cookies: { admin: string; treasurer: string },
  lookup: { memberId: () => Promise<string>; disbursementIdByReason: (reason: string) => Promise<string> },
): Promise<WelfarePools> {
  const memberId = await lookup.memberId();
  const open = async (title: string) => {
    const id = await post(host, cookies.admin, "openWelfareCaseAction", "/welfare/new", { memberId, category: "OTHER", title, notes: "Arranged by the isolation matrix" });
    if (!id) throw new Error("arranging welfare: no case id");
    return id;
  };
  const caseId = await open(`Matrix case ${Date.now()}`);
  // The pools' disbursements belong to another case than the page the actions are posted from, so that
  // page never lists the object a check names (its id would otherwise tell "own" and "missing" apart).
  const payoutsCaseId = await open(`Matrix payouts ${Date.now()}`);
  const request = async (reason: string) => {
    await post(host, cookies.admin, "requestDisbursementAction", `/welfare/${payoutsCaseId}`, { caseId: payoutsCaseId, amount: "10", currency: "KES", method: "CASH", phone: "", reason });
    return lookup.disbursementIdByReason(reason);
  };
  const tag = Date.now();
  const closable: string[] = [];
  const approvable: string[] = [];
  const rejectable: string[] = [];
  const payable: string[] = [];
  for (const role of ROLES) {
    closable.push(await open(`Matrix closable ${role} ${tag}`));
    approvable.push(await request(`Matrix approvable ${role} ${tag}`));
    rejectable.push(await request(`Matrix rejectable ${role} ${tag}`));
    const toPay = await request(`Matrix payable ${role} ${tag}`);
    await post(host, cookies.treasurer, "approveDisbursementAction", `/welfare/${payoutsCaseId}`, { disbursementId: toPay });
    payable.push(toPay);
  }
  const requested = await request(`Matrix requested ${tag}`);
  pools = { caseId, closable, approvable, rejectable, payable, requested };
  return pools;
}

function arranged(): WelfarePools {
  if (!pools) throw new Error("the welfare actions need arrangeMatrixWelfare() first");
  return pools;
}

const own = (check: Check, mine: (p: WelfarePools) => string) => (check.case === "own" ? mine(arranged()) : check.target!.id);
let serial = 0;

/** The form each welfare action is posted with. */
export const WELFARE_CALLS: Record<string, (check: Check) => ActionCall> = {
  openWelfareCaseAction: (c) => ({ fields: { memberId: c.target!.id, category: "OTHER", title: `Matrix ${c.role} ${++serial}`, notes: "Matrix notes" } }),
  updateWelfareNotesAction: (c) => ({ fields: { caseId: own(c, (p) => p.caseId), notes: `Matrix notes ${c.role} ${++serial}` } }),
  closeWelfareCaseAction: (c) => ({ fields: { caseId: own(c, (p) => p.closable[roleIndex(c)]!) } }),
  requestDisbursementAction: (c) => ({ fields: { caseId: own(c, (p) => p.caseId), amount: "1", currency: "KES", method: "CASH", phone: "", reason: `Matrix ${c.role}` } }),
  approveDisbursementAction: (c) => ({ fields: { disbursementId: own(c, (p) => p.approvable[roleIndex(c)]!) } }),
  rejectDisbursementAction: (c) => ({ fields: { disbursementId: own(c, (p) => p.rejectable[roleIndex(c)]!) } }),
  recordDisbursementPaidAction: (c) => ({ fields: { disbursementId: own(c, (p) => p.payable[roleIndex(c)]!), method: "CASH", reference: `MATRIX-${c.role}-${Date.now()}-${++serial}` } }),
  // Not approved: refused in the form before any payout is recorded or Daraja is called, so no money moves.
  payDisbursementByMpesaAction: (c) => ({ fields: { disbursementId: own(c, (p) => p.requested) } }),
  // No payout is waiting for M-Pesa: refused in the form, nothing changes.
  markB2cPayoutFailedAction: (c) => ({ fields: { disbursementId: own(c, (p) => p.requested) } }),
  // Nor to record as paid: refused in the form, nothing changes.
  recordB2cPayoutPaidAction: (c) => ({ fields: { disbursementId: own(c, (p) => p.requested), receipt: "TLA0MATRIX", paidOn: new Date().toISOString().slice(0, 10) } }),
};
