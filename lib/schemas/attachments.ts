import { z } from "zod";
import { ATTACHMENT_TYPES } from "../uploads/content-type";

/** Attachments on beneficiaries and welfare cases: the service inputs. */
export const ATTACHMENT_PARENTS = ["beneficiary", "welfare"] as const;
export type AttachmentParent = (typeof ATTACHMENT_PARENTS)[number];

export const recordAttachmentInput = z.object({
  id: z.uuid(),
  parentId: z.uuid(),
  fileName: z.string().min(1).max(200),
  mime: z.enum(ATTACHMENT_TYPES.mimes),
  bytes: z.number().int().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  storageKey: z.string().min(1).max(300),
});

export const removeAttachmentInput = z.object({ id: z.uuid(), parentId: z.uuid() });
