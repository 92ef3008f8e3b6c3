import { Scope, createStackParser, createTransport, type ErrorEvent, type Transport, type BaseTransportOptions } from "@sentry/core";
import { ServerRuntimeClient, nodeStackLineParser } from "@sentry/core/server";
import { REDACTED, isSensitiveKey, scrubText } from "./redaction";

/**
 * Optional error reporting to Sentry (or any server speaking its envelope
 * protocol) when SENTRY_DSN is set; off otherwise. Only what we log is sent:
 * each logError becomes one event with the error's type, message and stack,
 * the request id and error id as tags, and the line's fields as extras. No
 * integrations run, so nothing else is collected (no request headers, cookies,
 * bodies or breadcrumbs), and every event passes through the logs' redaction
 * before it leaves: sensitive field names at any depth, and every string by
 * shape (lib/log/redaction.ts). @sentry/core alone: @sentry/node and
 * @sentry/nextjs pull in a CLI whose install downloads a binary.
 */
let client: ServerRuntimeClient | null | undefined;

/** Every string scrubbed and every sensitive field redacted, at any depth. */
export function scrubDeep<T>(value: T, depth = 0): T {
  if (typeof value === "string") return scrubText(value) as T;
  if (value === null || typeof value !== "object" || depth > 12) return value;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, depth + 1)) as T;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isSensitiveKey(key) ? REDACTED : scrubDeep(item, depth + 1)])) as T;
}

function fetchTransport(options: BaseTransportOptions): Transport {
  return createTransport(options, async ({ body }) => {
    const response = await fetch(options.url, { method: "POST", body: typeof body === "string" ? body : Buffer.from(body), headers: options.headers });
    return {
      statusCode: response.status,
      headers: { "x-sentry-rate-limits": response.headers.get("x-sentry-rate-limits"), "retry-after": response.headers.get("retry-after") },
    };
  });
}

function reporter(): ServerRuntimeClient | null {
  if (client !== undefined) return client;
  const dsn = process.env.SENTRY_DSN;
  if (!dsn) return (client = null);
  client = new ServerRuntimeClient({
    dsn,
    environment: process.env.SENTRY_ENVIRONMENT || process.env.NODE_ENV,
    release: process.env.SENTRY_RELEASE || undefined,
    platform: "node",
    runtime: { name: "node", version: process.version },
    sendDefaultPii: false,
    integrations: [],
    stackParser: createStackParser(nodeStackLineParser()),
    transport: fetchTransport,
    beforeSend: (event: ErrorEvent) => {
      // Our own correlation ids pass as they are: Next's digest is all digits, which the scrubber takes for a phone.
      const { errorId, requestId } = event.tags ?? {};
      const clean = scrubDeep(event);
      return { ...clean, tags: { ...clean.tags, errorId, ...(requestId ? { requestId } : {}) } };
    },
  });
  client.init();
  return client;
}

/** Sends one error (as logError logged it) when SENTRY_DSN is set; a no-op otherwise. */
export function reportError(message: string, error: unknown, fields: Record<string, unknown>, id: string, requestId: string | undefined): void {
  const sentry = reporter();
  if (!sentry) return;
  const scope = new Scope();
  scope.setTag("errorId", id);
  if (requestId) scope.setTag("requestId", requestId);
  scope.setContext("log", { message, ...fields });
  sentry.captureException(error instanceof Error ? error : new Error(String(error)), undefined, scope);
}

/** Waits (at most `timeoutMs`) for reports in flight: before a process exits. */
export async function flushErrorReports(timeoutMs = 2_000): Promise<void> {
  if (client) await client.flush(timeoutMs);
}
