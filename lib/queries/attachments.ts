import { z } from "zod";
import type { Actor } from "../authz/actor";
import { can } from "../authz/capabilities";
import { scope } from "../authz/scope";
import { mayReadWelfareNotes } from "../authz/welfare-notes";
import { withTenant, type TenantTx } from "../db/tenant";
import { notFoundError } from "../errors";
import type { AttachmentParent } from "../schemas/attachments";

/**
 * Attachments are read by whoever may read their parent: a beneficiary within
 * the actor's reach (lib/authz/scope.ts), a welfare case only by those who may
 * read its confidential notes (lib/authz/welfare-notes.ts). Anyone else, and
 * another organisation, gets the same not-found as a missing file (M4.4).
 */
export async function parentInReach(tx: TenantTx, actor: Actor, parent: AttachmentParent, parentId: string): Promise<void> {
  if (!z.uuid().safeParse(parentId).success) throw notFoundError();
  if (parent === "beneficiary") {
    if (!can(actor, "beneficiaries:read")) throw notFoundError();
    const found = await tx.beneficiary.findFirst({ where: { id: parentId, ...scope(actor, "beneficiary") }, select: { id: true } });
    if (!found) throw notFoundError();
    return;
  }
  const found = await tx.welfareCase.findUnique({ where: { id: parentId }, select: { createdById: true } });
  if (!found || !mayReadWelfareNotes(actor, found)) throw notFoundError();
}

const parentWhere = (parent: AttachmentParent, parentId: string) => (parent === "beneficiary" ? { beneficiaryId: parentId } : { welfareCaseId: parentId });

/** The parent's attachments, newest first, without their bytes. */
export async function listAttachments(actor: Actor, parent: AttachmentParent, parentId: string) {
  return withTenant(actor.organizationId, async (tx) => {
    await parentInReach(tx, actor, parent, parentId);
    return tx.attachment.findMany({
      where: parentWhere(parent, parentId),
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      select: { id: true, fileName: true, mime: true, bytes: true, sha256: true, createdAt: true },
    });
  });
}

/** One attachment to serve: its name, real type, size and where its bytes are. */
export async function attachmentToServe(actor: Actor, parent: AttachmentParent, parentId: string, id: string) {
  if (!z.uuid().safeParse(id).success) throw notFoundError();
  return withTenant(actor.organizationId, async (tx) => {
    await parentInReach(tx, actor, parent, parentId);
    const found = await tx.attachment.findFirst({
      where: { id, ...parentWhere(parent, parentId) },
      select: { id: true, fileName: true, mime: true, bytes: true, storageKey: true },
    });
    if (!found) throw notFoundError();
    return found;
  });
}
