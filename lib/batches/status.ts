/** Every batch status (the schema's BatchStatus) in the order a batch moves through them, as the pages and the dashboard name them. */
export const BATCH_STATUS_LABELS = {
  REVIEW: "Awaiting review",
  QUEUED: "Queued",
  PROCESSING: "Processing",
  PROCESSED: "Processed",
  DISCARDED: "Discarded",
} as const;

export const BATCH_STATUSES = Object.keys(BATCH_STATUS_LABELS) as (keyof typeof BATCH_STATUS_LABELS)[];
