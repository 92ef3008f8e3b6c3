import { afterAll, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { GET } from "@/app/api/health/route";

afterAll(() => disconnectAll());

test("GET /api/health answers ok when the database answers", async () => {
  const response = await GET(new Request("http://localhost/api/health"), undefined);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", db: "ok" });
});
