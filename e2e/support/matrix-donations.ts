import type pg from "pg";
import { ROLES } from "../../lib/authz/capabilities";
import type { Check } from "./matrix";
import type { ActionCall } from "./server-actions";
import { actionId, postAction } from "./server-actions";

/**
 * The donations side of the isolation matrix. A correction cancels its
 * receipt for good, so each role's "own" call gets a receipt of its own,
 * recorded beforehand through the treasurer's action (one gift per role).
 */
let receipts: string[] | null = null;

const roleIndex = (check: Check) => ROLES.indexOf(check.role);

export async function arrangeMatrixDonations(host: string, treasurerCookie: string, db: pg.Client): Promise<void> {
  const donors: string[] = [];
  for (let i = 0; i < ROLES.length; i++) {
    const fields = { name: `Matrix donor ${Date.now()}-${i}`, method: "CASH", currency: "KES", amount: "100", receivedOn: new Date().toISOString().slice(0, 10) };
    const response = await postAction({ host, path: "/donations/new", cookie: treasurerCookie, id: actionId("app/(tenant)/(app)/donations/actions.ts", "recordDonationAction"), call: { fields } });
    const donorId = /[0-9a-f-]{36}/.exec(String(response.headers["x-action-redirect"] ?? ""))?.[0];
    if (response.status !== 200 || !donorId) throw new Error(`arranging donations: ${response.status}: ${response.body.slice(0, 300)}`);
    donors.push(donorId);
  }
  const { rows } = await db.query<{ id: string; donor_id: string }>("SELECT id, donor_id FROM donor_receipt WHERE donor_id = ANY($1::uuid[])", [donors]);
  receipts = donors.map((d) => rows.find((r) => r.donor_id === d)!.id);
}

const own = (check: Check) => {
  if (!receipts) throw new Error("the donation actions need arrangeMatrixDonations() first");
  return check.case === "own" ? receipts[roleIndex(check)]! : check.target!.id;
};

/** The form each donations action is posted with. */
export const DONATION_CALLS: Record<string, (check: Check) => ActionCall> = {
  recordDonationAction: (c) => ({ fields: { name: `Matrix ${c.role}`, method: "CASH", currency: "KES", amount: "50", receivedOn: new Date().toISOString().slice(0, 10) } }),
  correctReceiptAction: (c) => ({ fields: { receiptId: own(c), currency: "KES", amount: "60", fund: "", reason: "Isolation matrix" } }),
};
