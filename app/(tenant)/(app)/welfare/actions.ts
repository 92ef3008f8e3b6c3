"use server";

import { formAction, memberAction } from "@/lib/actions/form-action";
import { memberPayer } from "@/lib/context/payer";
import { closeWelfareCase, openWelfareCase, updateWelfareNotes } from "@/lib/services/welfare-cases";
import {
  approveDisbursement,
  markB2cPayoutFailed,
  payDisbursementByMpesa,
  recordB2cPayoutPaid,
  recordDisbursementPaid,
  rejectDisbursement,
  requestDisbursement,
} from "@/lib/services/welfare-disbursements";

const casePage = (r: { caseId: string }) => `/welfare/${r.caseId}`;

export const openWelfareCaseAction = memberAction(openWelfareCase, { revalidate: "/welfare", redirectTo: (c) => `/welfare/${c.id}` });
export const updateWelfareNotesAction = memberAction(updateWelfareNotes, { revalidate: (r) => `/welfare/${r.id}/notes`, success: "Notes saved." });
export const closeWelfareCaseAction = memberAction(closeWelfareCase, { revalidate: (r) => `/welfare/${r.id}`, success: "Case closed." });
export const requestDisbursementAction = memberAction(requestDisbursement, { revalidate: casePage, success: "Disbursement requested: another treasurer must approve it." });
export const approveDisbursementAction = memberAction(approveDisbursement, { revalidate: casePage, success: "Disbursement approved." });
export const rejectDisbursementAction = memberAction(rejectDisbursement, { revalidate: casePage, success: "Disbursement rejected." });
export const recordDisbursementPaidAction = memberAction(recordDisbursementPaid, { revalidate: casePage, success: "Payment recorded." });
export const payDisbursementByMpesaAction = formAction(memberPayer, payDisbursementByMpesa, { revalidate: casePage, success: "Sent to M-Pesa: it shows as paid once M-Pesa confirms." });
export const markB2cPayoutFailedAction = memberAction(markB2cPayoutFailed, { revalidate: casePage, success: "Payout marked failed: the disbursement can be paid again." });
export const recordB2cPayoutPaidAction = memberAction(recordB2cPayoutPaid, { revalidate: casePage, success: "Payout recorded as paid." });
