import { appendFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import pino from "pino";
import { currentRequestId } from "../context/request-id";
import { REDACT_PATHS, REDACTED, scrubFields, scrubText } from "./redaction";

/**
 * Structured JSON logs (pino), one line per event: `level`, `at`, `message`,
 * the current request id (`requestId`, lib/context/request-id.ts)
 * and the caller's fields. Callers pass codes and ids, never personal data;
 * what slips through anyway is redacted by field name and scrubbed by shape
 * (./redaction.ts, promise M10.1). Errors are reduced to their name, message
 * and stack on our side only.
 *
 * Info and warnings go to stdout, errors to stderr (looked up at each write, so
 * a test can capture them); with LOG_FILE set every line is also appended to
 * that file, which several processes (web, worker) may share: one write per line.
 */
const LEVEL_LABEL = /^\{"level":"(\w+)"/;

let fileFailed = false;

const destination = {
  write(line: string): void {
    (LEVEL_LABEL.exec(line)?.[1] === "error" ? process.stderr : process.stdout).write(line);
    const file = process.env.LOG_FILE;
    if (!file || fileFailed) return;
    try {
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator's own setting, not input
      appendFileSync(file, line);
    } catch (error) {
      // A log file that cannot be written must not fail the request that logged: say so once, keep stdout.
      fileFailed = true;
      process.stderr.write(`log: cannot append to LOG_FILE (${(error as Error).message}); logging to stdout only\n`);
    }
  },
};

const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? "info",
    messageKey: "message",
    base: undefined,
    timestamp: () => `,"at":"${new Date().toISOString()}"`,
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => scrubFields(fields) as Record<string, unknown>,
    },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
  },
  destination,
);

export function logEvent(level: "info" | "warn" | "error", message: string, fields: Record<string, unknown> = {}): void {
  logger[level](fields, scrubText(message));
}

/**
 * Logs an unexpected error and returns the correlation id to show the user
 * (a fresh one, or the id the user was already shown, e.g. Next's digest).
 * With SENTRY_DSN set it is also reported there, scrubbed the same way (./error-reporting.ts).
 */
export function logError(message: string, error: unknown, fields: Record<string, unknown> = {}, id: string = randomUUID()): string {
  const detail = error instanceof Error ? { name: error.name, error: error.message, stack: error.stack } : { error: String(error) };
  logEvent("error", message, { id, ...fields, ...detail });
  // Loaded only where a DSN is set, so a deployment without error reporting never loads the SDK.
  if (process.env.SENTRY_DSN) {
    const requestId = currentRequestId() ?? (typeof fields.requestId === "string" ? fields.requestId : undefined);
    void import("./error-reporting").then(({ reportError }) => reportError(message, error, fields, id, requestId));
  }
  return id;
}

/** Waits (at most `timeoutMs`) for error reports in flight (SENTRY_DSN): before a process exits. */
export async function flushErrorReports(timeoutMs = 2_000): Promise<void> {
  if (process.env.SENTRY_DSN) await (await import("./error-reporting")).flushErrorReports(timeoutMs);
}
