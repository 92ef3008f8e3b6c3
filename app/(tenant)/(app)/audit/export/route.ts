import { memberRequest } from "@/lib/context/request";
import { notFoundError } from "@/lib/errors";
import { routeHandler } from "@/lib/http/route-handler";
import { reserveAuditCsv } from "@/lib/queries/audit-csv";
import { auditFilterInput } from "@/lib/schemas/audit";
import { readQuery } from "@/lib/schemas/query";
import { recordAuditExport } from "@/lib/services/audit-exports";

/**
 * The audit page's filtered view as CSV, streamed from a child process
 * (promise M5.3). The export writes an audit entry, so only a request from
 * this organisation's own pages (or typed into the address bar) is served;
 * another site's link reads as missing. A third export while two stream is
 * refused (429) before anything is recorded.
 */
export const GET = routeHandler(async (request: Request) => {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw notFoundError();
  const { org, actor } = await memberRequest();
  const filter = readQuery(auditFilterInput, new URL(request.url).searchParams);
  const exporting = reserveAuditCsv(actor);
  let body: ReadableStream<Uint8Array>;
  try {
    await recordAuditExport(actor, filter);
    body = await exporting.start(filter);
  } catch (error) {
    exporting.release();
    throw error;
  }
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-${org.slug}-${day}.csv"`,
      "cache-control": "no-store",
    },
  });
});
