import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { AppError, invalidError, notFoundError } from "@/lib/errors";
import { bodyChunks } from "@/lib/http/body-chunks";
import { cappedBody } from "@/lib/http/capped-body";
import { routeHandler, SERVER_ERROR_MESSAGE } from "@/lib/http/route-handler";
import { logError } from "@/lib/log";
import { MEMBER_CSV_MAX_BYTES, memberCsvHeader } from "@/lib/members/csv";
import { CsvTooLargeError } from "@/lib/members/csv-read";
import { checkStagedImport, commitMemberImport, previewMemberImport } from "@/lib/services/member-imports";

/**
 * The CSV the members import takes (promise P2).
 * - GET: the template, an empty file with the header.
 * - POST text/csv: the file, read as it streams in (10 MB at most), checked
 *   row by row and staged; answers the preview and its report.
 * - POST JSON `{ importId }`: commits a staged file, all rows or none;
 *   answers newline-delimited JSON as it goes, `{ progress, total }` after
 *   each chunk, then `{ done }` or `{ error }`.
 */
const CSV = /^\s*text\/csv\s*(;|$)/i;
const JSON_TYPE = /^\s*application\/json\s*(;|$)/i;

const tooLarge = () => Response.json({ error: new CsvTooLargeError().message, fieldErrors: { file: ["Larger than 10 MB"] } }, { status: 413 });

async function writer() {
  const { actor } = await memberRequest();
  if (!can(actor, "members:write")) throw notFoundError();
  return actor;
}

export const GET = routeHandler(async () => {
  await writer();
  return new Response(memberCsvHeader(), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="members-template.csv"', "cache-control": "no-store" },
  });
});

export const POST = routeHandler(async (request: Request) => {
  const actor = await writer();
  const type = request.headers.get("content-type") ?? "";
  if (CSV.test(type)) {
    // A declared length past the cap is refused unread; an undeclared or lying one is counted as it arrives.
    if (Number(request.headers.get("content-length") ?? 0) > MEMBER_CSV_MAX_BYTES) return tooLarge();
    try {
      return Response.json(await previewMemberImport(actor, bodyChunks(request)));
    } catch (error) {
      if (error instanceof CsvTooLargeError) return tooLarge();
      throw error;
    }
  }
  if (!JSON_TYPE.test(type)) throw invalidError("Upload a CSV file (text/csv).", { file: ["Not a CSV upload"] });
  const bytes = await cappedBody(request, 1024);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes ?? new Uint8Array()));
  } catch {
    throw invalidError("This request could not be read.");
  }
  const staged = await checkStagedImport(actor, raw);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      // The import runs to its end (commit or rollback) even if the browser stops reading.
      const send = (line: object) => {
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        } catch {
          // the reader went away
        }
      };
      try {
        send({ done: await commitMemberImport(actor, staged, (progress, total) => send({ progress, total })) });
      } catch (error) {
        if (error instanceof AppError) send({ error: error.message });
        else send({ error: SERVER_ERROR_MESSAGE, id: logError("member import failed", error, { rows: staged.rows.length }) });
      }
      try {
        controller.close();
      } catch {
        // already closed by the reader
      }
    },
  });
  return new Response(body, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" } });
});
