import { memberRequest } from "@/lib/context/request";
import { routeHandler } from "@/lib/http/route-handler";
import { invoicesCsv } from "@/lib/queries/dues";
import { invoiceFilterInput } from "@/lib/schemas/invoice-filters";
import { readQuery } from "@/lib/schemas/query";

/** The invoice list's filtered view as CSV, streamed a batch at a time. */
export const GET = routeHandler(async (request: Request) => {
  const { org, actor } = await memberRequest();
  const filter = readQuery(invoiceFilterInput, new URL(request.url).searchParams);
  const day = new Date().toISOString().slice(0, 10);
  return new Response(invoicesCsv(actor, filter), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="invoices-${org.slug}-${day}.csv"`,
      "cache-control": "no-store",
    },
  });
});
