import { memberRequest } from "@/lib/context/request";
import { routeHandler } from "@/lib/http/route-handler";
import { can } from "@/lib/authz/capabilities";
import { notFoundError } from "@/lib/errors";
import { batchTemplateCsv } from "@/lib/schemas/batches";

/** The batch template: the header row and one example. */
export const GET = routeHandler(async () => {
  const { actor } = await memberRequest();
  if (!can(actor, "batches:manage")) throw notFoundError();
  return new Response(batchTemplateCsv(), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="beneficiary-batch-template.csv"', "cache-control": "no-store" },
  });
});
