import { describe, expect, test } from "vitest";
import { NextRequest } from "next/server";
import { middleware } from "@/middleware";
import { acceptRequestId } from "@/lib/context/request-id";
import { captureLogLines } from "./support/stderr";

const request = (headers: Record<string, string> = {}) => new NextRequest("http://kilimani.localhost:3000/members?q=x", { headers: { host: "kilimani.localhost:3000", ...headers } });

describe("[M10.1] a request id on every request", () => {
  test("middleware makes one, puts it on the response, hands it to the app and logs the request under it", async () => {
    const { lines, outcome } = await captureLogLines(async () => middleware(request()));
    const response = (outcome as PromiseFulfilledResult<Response>).value;
    const id = response.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-middleware-request-x-request-id")).toBe(id);
    expect(lines).toEqual([expect.objectContaining({ level: "info", message: "request", method: "GET", path: "/members", requestId: id })]);
  });

  test("a sane X-Request-Id from a proxy is kept; anything else is replaced", async () => {
    expect((await middleware(request({ "x-request-id": "nginx-0a1b2c3d4e" }))).headers.get("x-request-id")).toBe("nginx-0a1b2c3d4e");
    for (const offered of ["short", "has space in it", "a".repeat(65), "x\"}{injected:1"]) {
      const id = acceptRequestId(offered);
      expect(id, offered).not.toBe(offered);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
