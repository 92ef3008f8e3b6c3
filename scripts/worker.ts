import { disconnectAll } from "../lib/db/clients";
import { JOBS } from "../lib/jobs";
import { JobSchemaMissingError } from "../lib/jobs/queue";
import { startWorker, type RunningWorker } from "../lib/jobs/worker";
import { flushErrorReports, logError } from "../lib/log";

/**
 * `npm run worker`: runs every job of lib/jobs/index.ts as the platform role
 * (DATABASE_URL or PLATFORM_DATABASE_URL, as the app reads them), logging a
 * JSON line per job. SIGTERM or SIGINT stops it: jobs in flight get
 * STOP_TIMEOUT_MS to finish. `npm start` runs it beside the web server.
 *
 * Exit 1 with one line when it cannot start: the database unreachable, or
 * the job schema missing (`npm run migrate` installs it).
 */
const STOP_TIMEOUT_MS = 30_000;

// Failing to connect at all (Node's socket errors), or being refused by the server: no such role, password, or database.
const UNREACHABLE = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|28000|28P01|3D000|57P03)$/;

function startFailure(error: unknown): string {
  if (error instanceof JobSchemaMissingError) return error.message;
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error && error.message ? error.message : String(code ?? error);
  return typeof code === "string" && UNREACHABLE.test(code) ? `cannot reach the database: ${message}` : `failed to start: ${message}`;
}

async function main(): Promise<void> {
  let worker: RunningWorker;
  try {
    worker = await startWorker(JOBS);
  } catch (error) {
    console.error(`worker: ${startFailure(error)}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = () => {
    // npm start signals the worker and so may a terminal's Ctrl-C: the first signal stops it, later ones wait for that.
    if (stopping) return;
    stopping = true;
    worker
      .stop(STOP_TIMEOUT_MS)
      .then(() => disconnectAll())
      .then(() => flushErrorReports())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logError("worker.stop_failed", error);
          void flushErrorReports().finally(() => process.exit(1));
        },
      );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

void main();
