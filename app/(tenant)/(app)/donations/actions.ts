"use server";

import { memberAction } from "@/lib/actions/form-action";
import { recordDonation } from "@/lib/services/donations";
import { correctReceipt } from "@/lib/services/donor-receipts";

export const recordDonationAction = memberAction(recordDonation, { revalidate: "/donations", redirectTo: (r) => `/donations/donors/${r.donorId}` });
export const correctReceiptAction = memberAction(correctReceipt, { revalidate: "/donations", redirectTo: (r) => `/donations/receipts/${r.receiptId}` });
