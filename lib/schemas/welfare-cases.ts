import { z } from "zod";

/** Opening a welfare case; the notes are confidential (encrypted at rest). */
export const openWelfareCaseInput = z.object({
  memberId: z.uuid("Unknown member").nullable().optional(),
  title: z.string().trim().min(1, "A title is required").max(120),
  notes: z.string().trim().min(1, "Notes are required").max(10_000),
});
