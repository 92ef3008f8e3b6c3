"use server";

import { memberAction } from "@/lib/actions/form-action";
import { discardBatch, processBatch, setRetention } from "@/lib/services/batches";

export const processBatchAction = memberAction(processBatch, { revalidate: "/batches", success: "Processing started." });
export const discardBatchAction = memberAction(discardBatch, { revalidate: "/batches", redirectTo: () => "/batches" });
export const setRetentionAction = memberAction(setRetention, { revalidate: "/batches", success: "Retention saved." });
