import { memberRequest } from "@/lib/context/request";
import { notFoundError } from "@/lib/errors";
import { routeHandler } from "@/lib/http/route-handler";
import { membersCsv } from "@/lib/queries/members";
import { memberListQuery } from "@/lib/schemas/members";
import { readQuery } from "@/lib/schemas/query";
import { recordMemberExport } from "@/lib/services/member-exports";

/**
 * The member list's view (search, archived) as CSV, streamed; the import
 * takes it back. The export is audited, so only a request from this
 * organisation's own pages (or typed into the address bar) is served.
 */
export const GET = routeHandler(async (request: Request) => {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw notFoundError();
  const { org, actor } = await memberRequest();
  const query = readQuery(memberListQuery, new URL(request.url).searchParams);
  const body = membersCsv(actor, { search: query.q, includeArchived: query.archived === "1" });
  await recordMemberExport(actor, query);
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="members-${org.slug}-${day}.csv"`,
      "cache-control": "no-store",
    },
  });
});
