import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { onRequestError } from "@/instrumentation";
import { routeHandler } from "@/lib/http/route-handler";
import { flushErrorReports } from "@/lib/log";
import { captureLogLines } from "./support/stderr";

/**
 * Optional error reporting (promise M10.1: error monitoring), against a real
 * HTTP server on 127.0.0.1 standing in for Sentry's ingest: the DSN points at
 * it, so the SDK's envelopes arrive over the wire exactly as Sentry would get them.
 */
type Received = { path: string; body: string };
const received: Received[] = [];
let ingest: Server;

const PERSON = { email: "amina.odhiambo@example.ke", phone: "+254 712 345 678" };
const TOKEN = "Zq8vN3xR5tY7uW9aB1cD4eF6gH2jK0mP";
const COOKIE = "authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..secret-part.more";

beforeAll(async () => {
  ingest = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => ingest.listen(0, "127.0.0.1", resolve));
  process.env.NEXT_RUNTIME = "nodejs"; // as in the Next server: instrumentation.ts reports on Node only
  process.env.SENTRY_DSN = `http://harambeepublickey@127.0.0.1:${(ingest.address() as AddressInfo).port}/42`;
});
afterAll(async () => {
  delete process.env.SENTRY_DSN;
  delete process.env.NEXT_RUNTIME;
  await new Promise((resolve) => ingest.close(resolve));
});

/** The error events that reached the ingest server (an envelope: a header line, then item header and payload lines). */
type SentEvent = {
  exception: { values: { type: string; value: string; stacktrace: { frames: unknown[] } }[] };
  tags: Record<string, string>;
  contexts: { log: Record<string, unknown> };
  request?: unknown;
};

async function eventsArrived(count: number): Promise<{ raw: string; event: SentEvent }[]> {
  await flushErrorReports(5_000);
  for (let i = 0; i < 50 && received.length < count; i++) await new Promise((r) => setTimeout(r, 100));
  return received.map(({ body }) => {
    const lines = body.split("\n");
    const at = lines.findIndex((line) => line.includes('"type":"event"'));
    return { raw: body, event: JSON.parse(lines[at + 1]!) as SentEvent };
  });
}

describe("[M10.1] error reporting to Sentry when SENTRY_DSN is set", () => {
  test("[M10.1] an error thrown in a route reaches the ingest server under its request id, with no email, phone, token or cookie", async () => {
    const requestId = "abc-sentry-0000001";
    const route = routeHandler(async () => {
      throw new Error(`could not invite ${PERSON.email} (${PERSON.phone}): token=${TOKEN}`);
    });
    const request = new Request(`http://kilimani.localhost/api/things?email=${encodeURIComponent(PERSON.email)}`, {
      method: "GET",
      headers: { host: "kilimani.localhost", "x-request-id": requestId, cookie: COOKIE, authorization: `Bearer ${TOKEN}` },
    });
    const { outcome } = await captureLogLines(() => route(request, undefined));
    const response = (outcome as PromiseFulfilledResult<Response>).value;
    expect(response.status).toBe(500);
    const { id } = (await response.json()) as { id: string };

    const [report] = await eventsArrived(1);
    expect(received[0]!.path).toBe("/api/42/envelope/?sentry_version=7&sentry_key=harambeepublickey");
    expect(report!.event.exception.values[0]).toMatchObject({ type: "Error", value: "could not invite [email] ([number]): token=[redacted]" });
    expect(report!.event.exception.values[0]!.stacktrace.frames.length).toBeGreaterThan(0);
    expect(report!.event.tags).toMatchObject({ requestId, errorId: id });
    expect(report!.event.contexts.log).toMatchObject({ message: "route handler failed", method: "GET", path: "/api/things" });
    for (const secret of [PERSON.email, "712 345 678", "712345678", TOKEN, "eyJhbGciOiJkaXIi", "secret-part"]) expect(report!.raw).not.toContain(secret);
    expect(report!.event.request).toBeUndefined();
  });

  test("[M10.1] an error Next catches while rendering (instrumentation.ts onRequestError) is reported under the digest the user saw", async () => {
    const error = Object.assign(new Error(`render failed for ${PERSON.email}`), { digest: "3172654890" });
    await captureLogLines(async () =>
      onRequestError(error, { path: `/members?q=${PERSON.phone}`, method: "GET", headers: { "x-request-id": "abc-sentry-0000002", cookie: COOKIE } }, {
        routerKind: "App Router",
        routePath: "/members",
        routeType: "render",
        renderSource: "react-server-components",
        revalidateReason: undefined,
      }),
    );
    const reports = await eventsArrived(2);
    const report = reports[1]!;
    expect(report.event.tags).toMatchObject({ requestId: "abc-sentry-0000002", errorId: "3172654890" });
    expect(report.event.exception.values[0]!.value).toBe("render failed for [email]");
    expect(report.event.contexts.log).toMatchObject({ path: "/members", route: "/members", kind: "render" });
    for (const secret of [PERSON.email, "712 345 678", "eyJhbGciOiJkaXIi"]) expect(report.raw).not.toContain(secret);
  });
});
