import { afterAll, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";

afterAll(() => disconnectAll());

test("[M10.1] GET /api/health answers 503 with db down when the database cannot be reached", async () => {
  // A port nothing listens on; this file's module graph gets its own env.
  process.env.APP_DATABASE_URL = "postgres://harambee_app:x@127.0.0.1:1/nowhere";
  const { GET } = await import("@/app/api/health/route");
  const response = await GET(new Request("http://localhost/api/health"), undefined);
  expect(response.status).toBe(503);
  expect(await response.json()).toEqual({ status: "degraded", db: "down", jobs: "unknown", migrations: "unknown" });
});
