import { createHash, randomUUID } from "node:crypto";
import type { Actor } from "../authz/actor";
import { can, type Capability } from "../authz/capabilities";
import { invalidError, notFoundError } from "../errors";
import { parentInReach } from "../queries/attachments";
import { recordAttachmentInput, removeAttachmentInput, type AttachmentParent } from "../schemas/attachments";
import { objectStore } from "../storage";
import { ATTACHMENT_TYPES, sniffUpload } from "../uploads/content-type";
import { defineMutation } from "./mutation";

/**
 * Files attached to beneficiaries and welfare cases (promises M6.6, M6.2):
 * images and PDF by their bytes, stored under the organisation's and the
 * feature's prefix, their metadata in the tenant table. Adding and removing
 * are audited; whoever may change the parent (and read it) may attach to it.
 */
const FOLDER: Record<AttachmentParent, string> = { beneficiary: "beneficiaries", welfare: "welfare" };

export const attachmentKey = (organizationId: string, parent: AttachmentParent, parentId: string, id: string) =>
  `${organizationId}/${FOLDER[parent]}/${parentId}/attachments/${id}`;

const parentColumn = (parent: AttachmentParent, parentId: string) => (parent === "beneficiary" ? { beneficiaryId: parentId } : { welfareCaseId: parentId });

function attachmentMutations(parent: AttachmentParent, capability: Capability, label: string) {
  const add = defineMutation({
    action: `${parent}.attachment.add`,
    capability,
    input: recordAttachmentInput,
    run: async (tx, input, actor) => {
      await parentInReach(tx, actor, parent, input.parentId);
      if (input.storageKey !== attachmentKey(actor.organizationId, parent, input.parentId, input.id)) throw notFoundError();
      await tx.attachment.create({
        data: {
          id: input.id,
          organizationId: actor.organizationId,
          ...parentColumn(parent, input.parentId),
          fileName: input.fileName,
          mime: input.mime,
          bytes: input.bytes,
          sha256: input.sha256,
          storageKey: input.storageKey,
          createdById: actor.userId,
        },
      });
      return {
        result: { id: input.id, mime: input.mime, bytes: input.bytes, sha256: input.sha256 },
        audit: {
          summary: `Attachment added to a ${label}`,
          targetType: "Attachment",
          targetId: input.id,
          after: { parentId: input.parentId, mime: input.mime, bytes: input.bytes, sha256: input.sha256 },
        },
      };
    },
  });
  const remove = defineMutation({
    action: `${parent}.attachment.remove`,
    capability,
    input: removeAttachmentInput,
    run: async (tx, input, actor) => {
      await parentInReach(tx, actor, parent, input.parentId);
      const found = await tx.attachment.findFirst({ where: { id: input.id, ...parentColumn(parent, input.parentId) }, select: { id: true, mime: true, bytes: true, sha256: true, storageKey: true } });
      if (!found) throw notFoundError();
      await tx.attachment.delete({ where: { id: found.id } });
      return {
        result: { storageKey: found.storageKey },
        audit: {
          summary: `Attachment removed from a ${label}`,
          targetType: "Attachment",
          targetId: found.id,
          before: { parentId: input.parentId, mime: found.mime, bytes: found.bytes, sha256: found.sha256 },
        },
      };
    },
  });
  return { add, remove };
}

export const beneficiaryAttachments = attachmentMutations("beneficiary", "beneficiaries:write", "beneficiary");
export const welfareAttachments = attachmentMutations("welfare", "welfare:write", "welfare case");
const MUTATIONS = { beneficiary: beneficiaryAttachments, welfare: welfareAttachments };
const WRITE: Record<AttachmentParent, Capability> = { beneficiary: "beneficiaries:write", welfare: "welfare:write" };

export type AttachmentFile = { parent: AttachmentParent; parentId: string; fileName: string; body: Buffer };

/**
 * Checks an upload by its bytes (an image or a PDF, nothing a browser would
 * render as a page), stores it, then records it; if the record fails, the
 * stored object is removed again, so no row names a missing object.
 */
export async function uploadAttachment(actor: Actor, file: AttachmentFile) {
  if (!can(actor, WRITE[file.parent])) throw notFoundError();
  const sniffed = await sniffUpload(file.body, ATTACHMENT_TYPES);
  if (!sniffed.ok) throw invalidError(sniffed.reason, { file: [`${sniffed.reason} Attach an image (PNG, JPEG, WebP, GIF) or a PDF.`] });
  if (sniffed.sniffed.kind !== "binary") throw invalidError("Attach an image or a PDF.", { file: ["Attach an image (PNG, JPEG, WebP, GIF) or a PDF."] });
  const id = randomUUID();
  const storageKey = attachmentKey(actor.organizationId, file.parent, file.parentId, id);
  const store = objectStore();
  await store.create(storageKey, file.body);
  try {
    return await MUTATIONS[file.parent].add(actor, {
      id,
      parentId: file.parentId,
      fileName: safeFileName(file.fileName, sniffed.sniffed.ext),
      mime: sniffed.sniffed.mime,
      bytes: file.body.length,
      sha256: createHash("sha256").update(file.body).digest("hex"),
      storageKey,
    });
  } catch (error) {
    await store.remove(storageKey);
    throw error;
  }
}

/** Removes the record (audited), then the stored bytes. */
export async function removeAttachment(actor: Actor, parent: AttachmentParent, raw: unknown) {
  const { storageKey } = await MUTATIONS[parent].remove(actor, raw);
  await objectStore().remove(storageKey);
}

/** A display name: the last path segment, printable, at most 200 characters. */
function safeFileName(name: string, ext: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 200);
  return clean || `attachment.${ext}`;
}
