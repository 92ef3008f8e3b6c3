import { z } from "zod";

/** A sub-processor change takes effect no sooner than this many days after owners are told (promise B4.2). */
export const SUBPROCESSOR_NOTICE_DAYS = 30;

const subject = z.string().trim().min(3, "A subject, please").max(200, "At most 200 characters");
const body = z.string().trim().min(10, "Say what happened and what owners should do").max(10_000, "At most 10,000 characters");

export const incidentNoticeInput = z.object({
  // One ticked checkbox arrives as a single value, several as a list.
  organizationIds: z.preprocess(
    (value) => (typeof value === "string" ? [value] : value ?? []),
    z.array(z.uuid("Unknown organisation")).min(1, "Choose at least one organisation").max(1_000),
  ),
  subject,
  body,
});

export const subprocessorNoticeInput = z.object({ subject, body });
