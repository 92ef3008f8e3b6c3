import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { notFoundError } from "@/lib/errors";
import { BATCH_COLUMNS } from "@/lib/schemas/batches";
import { routeHandler } from "@/lib/http/route-handler";
import { uploadBatch } from "@/lib/services/batches";
import { PayloadTooLargeError, UPLOAD_LIMIT_BYTES, payloadTooLarge, readCappedBody } from "@/lib/uploads/capped-body";

/**
 * A batch file, posted as the raw body (`?location=<id>`, the name in
 * `x-file-name`), read as a stream and cut off past 10,485,760 bytes with 413.
 * Answers the new batch's id and counts; a refused file answers 400 with why.
 */
export const POST = routeHandler(async (request: Request) => {
  const { actor } = await memberRequest();
  const url = new URL(request.url);
  let body: Buffer;
  try {
    body = await readCappedBody(request);
  } catch (error) {
    if (error instanceof PayloadTooLargeError) return payloadTooLarge(error.limit);
    throw error;
  }
  const fileName = decodeURIComponent(request.headers.get("x-file-name") ?? "upload.csv");
  const batch = await uploadBatch(actor, { locationId: url.searchParams.get("location") ?? "", fileName, body });
  return Response.json(batch, { status: 201 });
});

/** What an upload takes: the byte limit, the columns and the accepted type. */
export const GET = routeHandler(async () => {
  const { actor } = await memberRequest();
  if (!can(actor, "batches:manage")) throw notFoundError();
  return Response.json({ limitBytes: UPLOAD_LIMIT_BYTES, columns: BATCH_COLUMNS, accepts: ["text/csv (UTF-8 or Windows-1252)"] });
});
