import { once } from "node:events";
import { auditCsvChunks } from "./csv-stream";
import { tenantReads } from "../db/tenant-reads";
import { UUID } from "../db/tenant-scope";
import { auditFilterInput } from "../schemas/audit";

/**
 * The audit CSV export's streaming process, an entry point of its own:
 * lib/queries/audit-csv.ts spawns it once the route has authorized the export
 * and recorded it. Its argument is the organisation's id, stdin the filter as
 * JSON, validated again here with the route's schema; APP_DATABASE_URL (the app role, so RLS applies) is the only
 * setting it reads. It writes the CSV to stdout, waiting for the pipe to
 * drain, and loads neither Prisma nor Next, so its memory is the stream's
 * alone (promise M5.3). A failure is one JSON line on stderr — the error's
 * class and SQLSTATE, never its message, which may quote a filter — and exit
 * code 1, so the server aborts the download instead of ending it.
 */
function fail(event: string, error?: unknown): void {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  process.stderr.write(
    `${JSON.stringify({ event, ...(typeof name === "string" ? { name } : {}), ...(typeof code === "string" ? { code } : {}) })}\n`,
  );
  process.exitCode = 1;
}

async function main(): Promise<void> {
  const organizationId = process.argv[2];
  const url = process.env.APP_DATABASE_URL;
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  const input = Buffer.concat(parts).toString("utf8");
  const filter = (() => {
    try {
      return auditFilterInput.safeParse(JSON.parse(input));
    } catch {
      return undefined;
    }
  })();
  if (!organizationId || !UUID.test(organizationId) || !filter?.success || !url) return fail("audit_export.bad_arguments");
  const reads = tenantReads(url);
  try {
    for await (const chunk of auditCsvChunks(reads, organizationId, filter.data)) {
      if (!process.stdout.write(chunk)) await once(process.stdout, "drain");
    }
  } catch (error) {
    fail("audit_export.read_failed", error);
  } finally {
    await reads.end();
  }
}

void main();
