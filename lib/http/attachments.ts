import { memberRequest } from "../context/request";
import { attachmentToServe, listAttachments } from "../queries/attachments";
import type { AttachmentParent } from "../schemas/attachments";
import { removeAttachment, uploadAttachment } from "../services/attachments";
import { objectStore } from "../storage";
import { PayloadTooLargeError, payloadTooLarge, readCappedBody } from "../uploads/capped-body";
import { contentDisposition } from "./content-disposition";
import { routeHandler } from "./route-handler";

/**
 * The route handlers every attachment parent shares. An upload is the raw
 * body (its name in `x-file-name`), streamed and cut off past 10,485,760
 * bytes with 413. A download is authorized like its parent and always served
 * as a download of its sniffed type with nosniff, so no browser renders it
 * as a page of this site (M6.2).
 */
type Context<P> = { params: Promise<P> };

export function attachmentUpload(parent: AttachmentParent) {
  return routeHandler(async (request: Request, { params }: Context<{ id: string }>) => {
    const { actor } = await memberRequest();
    const { id } = await params;
    let body: Buffer;
    try {
      body = await readCappedBody(request);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) return payloadTooLarge(error.limit);
      throw error;
    }
    const fileName = decodeURIComponent(request.headers.get("x-file-name") ?? "");
    const attachment = await uploadAttachment(actor, { parent, parentId: id, fileName, body });
    return Response.json(attachment, { status: 201 });
  });
}

export function attachmentDownload(parent: AttachmentParent) {
  return routeHandler(async (request: Request, { params }: Context<{ id: string }>) => {
    const { actor } = await memberRequest();
    const { id } = await params;
    const file = new URL(request.url).searchParams.get("file");
    if (file === null) return Response.json(await listAttachments(actor, parent, id), { headers: { "cache-control": "private, no-store" } });
    const found = await attachmentToServe(actor, parent, id, file);
    const body = await objectStore().read(found.storageKey);
    return new Response(new Uint8Array(body), {
      headers: {
        "content-type": found.mime,
        "content-length": String(body.length),
        "content-disposition": contentDisposition(found.fileName),
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
        "cache-control": "private, no-store",
      },
    });
  });
}

/** DELETE `?file=<id>`: removes one attachment (audited) and its stored bytes; 204, or the one not-found. */
export function attachmentRemoval(parent: AttachmentParent) {
  return routeHandler(async (request: Request, { params }: Context<{ id: string }>) => {
    const { actor } = await memberRequest();
    const { id } = await params;
    await removeAttachment(actor, parent, { id: new URL(request.url).searchParams.get("file"), parentId: id });
    return new Response(null, { status: 204 });
  });
}
