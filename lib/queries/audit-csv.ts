import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Actor } from "../authz/actor";
import { can } from "../authz/capabilities";
import { currentRequestId } from "../context/request-id";
import { env } from "../env";
import { AppError, notFoundError } from "../errors";
import { logError, logEvent } from "../log";
import type { AuditFilter } from "../schemas/audit";

/**
 * The audit CSV export (promise M5.3) streams from a small child process
 * (lib/audit/csv-export-process.ts) that loads neither Prisma nor Next, so a
 * million rows cost the server process only the pipe between them. The child
 * runs as the worker does (`node --import tsx`) from the app's directory — the
 * cwd of `npm start` (the systemd unit's WorkingDirectory) and of `next start`
 * run there — and gets the organisation as its argument, the filter on stdin
 * (no shell) and the app role's URL as its only setting.
 *
 * At most MAX_RUNNING exports stream from one server process at once: a slot
 * is reserved before the export is recorded, so a refused export changes nothing.
 */
const MAX_RUNNING = 2;
const ENTRY = path.join(process.cwd(), "lib", "audit", "csv-export-process.ts");
const slots = globalThis as unknown as { harambeeAuditExports?: number };

export type AuditCsvExport = {
  /** Spawns the child and waits for its first bytes; the slot is freed when the child exits. */
  start(filter: AuditFilter): Promise<ReadableStream<Uint8Array>>;
  /** Frees the slot of an export that was never started (e.g. recording it failed). */
  release(): void;
};

export function reserveAuditCsv(actor: Actor): AuditCsvExport {
  if (!can(actor, "audit:read")) throw notFoundError();
  const running = slots.harambeeAuditExports ?? 0;
  if (running >= MAX_RUNNING) throw new AppError("RATE_LIMITED", "An export is already running. Please try again in a minute.");
  slots.harambeeAuditExports = running + 1;
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    slots.harambeeAuditExports! -= 1;
  };
  return { release, start: (filter) => streamFromChild(actor.organizationId, filter, release) };
}

async function streamFromChild(organizationId: string, filter: AuditFilter, release: () => void): Promise<ReadableStream<Uint8Array>> {
  const requestId = currentRequestId();
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, organizationId], {
    cwd: process.cwd(),
    env: { APP_DATABASE_URL: env().appDatabaseUrl, NODE_ENV: env().NODE_ENV },
    stdio: ["pipe", "pipe", "pipe"],
  });
  // The filter on stdin, not argv: a search term may be part of someone's email, and argv shows in every process list.
  // A child that dies before reading it reports through its exit status; the broken pipe says nothing more.
  child.stdin.on("error", () => undefined);
  child.stdin.end(JSON.stringify(filter));
  // How the child ended: null for exit code 0, else a phrase for the log.
  const ended = new Promise<string | null>((resolve) => {
    child.once("exit", (code, signal) => {
      release();
      resolve(code === 0 ? null : signal ? `signal ${signal}` : `exit code ${code}`);
    });
    child.once("error", (error) => {
      release();
      resolve(`could not start (${(error as NodeJS.ErrnoException).code ?? error.name})`);
    });
  });
  // The child writes JSON lines without personal data (an error's class and SQLSTATE); anything else is cut short.
  createInterface({ input: child.stderr }).on("line", (line) => {
    const fields = parseLine(line);
    logEvent("error", "audit export: the streaming process reported", { requestId, pid: child.pid, ...fields });
  });
  const failure = (how: string, stage: string) => {
    const id = logError("audit export: the streaming process failed", new Error(how), { requestId, pid: child.pid, stage });
    return new Error(`the audit export stopped before its end (${id})`);
  };

  const chunks = child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next().catch((error: unknown) => {
    child.kill("SIGTERM");
    throw error;
  });
  if (first.done) {
    // Nothing sent yet: the route answers with a plain error page rather than an empty file.
    throw failure((await ended) ?? "exit code 0 without output", "start");
  }
  let pending: Buffer | undefined = first.value;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = pending ? { done: false as const, value: pending } : await chunks.next();
        pending = undefined;
        if (!next.done) return controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
        const how = await ended;
        // A child that failed mid-stream errors the body: the client sees a broken download, never a short "complete" CSV.
        if (how === null) controller.close();
        else controller.error(failure(how, "stream"));
      },
      cancel() {
        // The client went away: stop reading, and stop the child (its exit frees the slot).
        child.kill("SIGTERM");
        child.stdout.destroy();
      },
    },
    // The pipe is the buffer: one chunk ahead at most, so the child waits for the client.
    { highWaterMark: 1 },
  );
}

function parseLine(line: string): Record<string, unknown> {
  try {
    const { event, name, code } = JSON.parse(line) as Record<string, unknown>;
    return { event: String(event), ...(typeof name === "string" ? { name } : {}), ...(typeof code === "string" ? { code } : {}) };
  } catch {
    return { event: "audit_export.stderr", line: line.slice(0, 120) };
  }
}
