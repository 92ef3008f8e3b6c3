import { NextRequest } from "next/server";
import { describe, expect, test } from "vitest";
import { routeRequest } from "@/middleware";

const request = (host: string, path = "/") => new NextRequest(`http://${host}${path}`, { headers: { host } });

describe("middleware routes by Host alone", () => {
  test("[M6.8] an unknown Host is answered 404 by the middleware, with no database configured at all", () => {
    const saved = { ...process.env };
    for (const key of ["DATABASE_URL", "APP_DATABASE_URL", "PLATFORM_DATABASE_URL"]) delete process.env[key];
    try {
      for (const host of ["evil.example", "127.0.0.1:3000", "www.localhost", "kilimani.localhost.evil.example"]) {
        expect(routeRequest(request(host, "/members")).status, host).toBe(404);
      }
    } finally {
      Object.assign(process.env, saved);
    }
  });

  test("a tenant host is served by the tenant tree as it is; the apex is rewritten into the public site", () => {
    expect(routeRequest(request("kilimani.localhost:3000", "/members")).headers.get("x-middleware-next")).toBe("1");
    expect(routeRequest(request("localhost:3000", "/")).headers.get("x-middleware-rewrite")).toBe("http://localhost:3000/site");
  });

  test("apex-only areas and the internal site prefix are 404 on tenant hosts; tenant pages 404 on the apex", () => {
    expect(routeRequest(request("kilimani.localhost", "/admin")).status).toBe(404);
    expect(routeRequest(request("kilimani.localhost", "/site/anything")).status).toBe(404);
    expect(routeRequest(request("localhost", "/site")).status).toBe(404);
  });
});
