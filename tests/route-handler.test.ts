import { afterEach, describe, expect, test } from "vitest";
import { invalidError, notFoundError } from "@/lib/errors";
import { routeHandler, SERVER_ERROR_MESSAGE } from "@/lib/http/route-handler";

const HOST = "kilimani.harambee.africa";

/** Everything written to stdout and stderr while `run` runs: the JSON log lines. */
let restore: (() => void) | undefined;
function captureLogs(): string[] {
  const lines: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  restore = () => {
    process.stdout.write = out;
    process.stderr.write = err;
  };
  return lines;
}
afterEach(() => restore?.());

const get = (path: string) => new Request(`https://${HOST}${path}`, { headers: { host: HOST } });

describe("routeHandler: what a route handler's caller sees when it fails", () => {
  test("[M6.7] [M10.1] an unexpected error is 500 { error, id } with no internals; the JSON log line has the same id, the detail, and no query string", async () => {
    const lines = captureLogs();
    const handler = routeHandler(() => {
      throw new Error('relation "member" does not exist: SELECT "nin" FROM member at /srv/harambee/lib/queries/x.ts:9');
    });
    const response = await handler(get("/api/export?q=wanjiru.kamau%40example.org"), undefined);
    restore?.();
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["error", "id"]);
    expect(body.error).toBe(SERVER_ERROR_MESSAGE);
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(body)).not.toMatch(/SELECT|relation|\/srv\/|\.ts|at /);

    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: "error", id: body.id, method: "GET", path: "/api/export", error: expect.stringContaining("SELECT") });
    expect(logged[0].stack).toEqual(expect.stringContaining("route-handler.test.ts"));
    expect(lines.join("")).not.toContain("wanjiru");
  });

  test("[M6.7] a service's coded error becomes its status and its own plain message, nothing logged", async () => {
    const lines = captureLogs();
    const notFound = await routeHandler(() => {
      throw notFoundError();
    })(get("/api/x"), undefined);
    const invalid = await routeHandler(() => {
      throw invalidError("Check the highlighted fields", { email: ["Enter a valid email address"] });
    })(get("/api/x"), undefined);
    restore?.();
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ error: "Not found" });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error: "Check the highlighted fields", fieldErrors: { email: ["Enter a valid email address"] } });
    expect(lines).toEqual([]);
  });

  test("[M6.3] a state-changing request from another origin never reaches the handler; a webhook does", async () => {
    let calls = 0;
    const handler = routeHandler(() => {
      calls += 1;
      return Response.json({ ok: true });
    });
    captureLogs();
    const foreign = await handler(new Request(`https://${HOST}/api/things`, { method: "POST", headers: { host: HOST, origin: "https://westlands.harambee.africa" } }), undefined);
    const missing = await handler(new Request(`https://${HOST}/api/things`, { method: "DELETE", headers: { host: HOST } }), undefined);
    restore?.();
    expect([foreign.status, missing.status]).toEqual([403, 403]);
    expect(calls).toBe(0);
    const own = await handler(new Request(`https://${HOST}/api/things`, { method: "POST", headers: { host: HOST, origin: `https://${HOST}` } }), undefined);
    const webhook = await handler(new Request(`https://${HOST}/api/webhooks/stripe`, { method: "POST", headers: { host: HOST } }), undefined);
    expect([own.status, webhook.status]).toEqual([200, 200]);
    expect(calls).toBe(2);
  });
});
