import { attachmentDownload, attachmentRemoval, attachmentUpload } from "@/lib/http/attachments";

/**
 * GET: the list of attachments as JSON, or with `?file=<id>` one file, only as a
 * download of its real type with nosniff (M6.2). POST: an image or PDF as the
 * raw body, checked by content, capped at 10 MB (M6.6). DELETE with
 * `?file=<id>`: removes it, for those who may add them.
 */
export const GET = attachmentDownload("beneficiary");
export const POST = attachmentUpload("beneficiary");
export const DELETE = attachmentRemoval("beneficiary");
