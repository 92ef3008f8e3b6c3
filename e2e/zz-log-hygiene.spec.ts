import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ROLES } from "../lib/authz/capabilities";
import { DEMO_ORGANIZATIONS, DEMO_PASSWORD, demoMembers, roleKey } from "../prisma/seed";
import { PORT, rawRequest, signIn } from "./support/app";

/**
 * Runs last (by name): the server's and worker's log of the whole e2e run
 * (LOG_FILE, set in playwright.config.ts) holds no seeded personal data and no
 * credential (promise M10.1). The seeded values come from the seed module
 * itself, so a change to the demo data is looked for too.
 */
const logFile = () => path.join(process.env.E2E_DATA_DIR!, "server.log");

function seededValues(): string[] {
  const values = ["admin@harambee.test", "district-admin@harambee.test", DEMO_PASSWORD];
  for (const org of DEMO_ORGANIZATIONS) {
    for (const role of ROLES) values.push(`${roleKey(role)}@${org.slug}.test`);
    for (const member of demoMembers(org.kind)) {
      values.push(member.email, member.phone, member.phone.slice(1));
      if ("nin" in member) values.push(member.nin, member.bvn);
    }
  }
  values.push("field-manager-2@ikeja-relief.test", "field-manager-3@ikeja-relief.test");
  return values;
}

test("[M10.1] the e2e run's server logs are JSON lines, each request's with its request id, and hold no seeded email, phone, NIN, BVN, password or session cookie", async ({ page }) => {
  // This spec's own session and a failing request that carries it, an email and a phone, under an id of ours.
  await signIn(page, "kilimani", "treasurer@kilimani.test");
  const cookies = (await page.context().cookies()).filter((cookie) => cookie.value.length >= 16);
  expect(cookies.length).toBeGreaterThan(0);
  const [member] = demoMembers("CLUB");
  const failed = await rawRequest({
    host: `kilimani.localhost:${PORT}`,
    path: `/api/fault?email=${encodeURIComponent(member.email)}&phone=${encodeURIComponent(member.phone)}`,
    headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "), "x-request-id": "zz-log-hygiene-0001" },
  });
  expect(failed.status).toBe(500);
  expect(failed.headers["x-request-id"]).toBe("zz-log-hygiene-0001");
  // A page that fails: the reference the user is shown (Next's digest) is the id its line is logged under.
  await page.goto(`http://localhost:${PORT}/fault`);
  const reference = await page.getByTestId("error-reference").innerText();

  const text = readFileSync(logFile(), "utf8");
  const lines = text.split("\n").filter(Boolean);
  expect(lines.length).toBeGreaterThan(20);
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(parsed.every((line) => typeof line.level === "string" && typeof line.message === "string" && typeof line.at === "string")).toBe(true);

  // Middleware's line per request, and the route handler's error line, carry the request's id.
  const requests = parsed.filter((line) => line.message === "request");
  expect(requests.length).toBeGreaterThan(10);
  expect(requests.filter((line) => typeof line.requestId !== "string")).toEqual([]);
  expect(parsed.filter((line) => line.requestId === "zz-log-hygiene-0001").map((line) => line.message)).toEqual(["request", "route handler failed"]);

  const pageFailure = parsed.find((line) => line.id === reference);
  expect(pageFailure).toMatchObject({ level: "error", message: "request failed", path: "/fault", requestId: expect.any(String) });

  const secrets = [...seededValues(), ...cookies.map((cookie) => cookie.value)];
  expect(secrets.length).toBeGreaterThan(200);
  expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
  // The URL-encoded forms a query string or form body would carry, too.
  expect(secrets.filter((secret) => text.includes(encodeURIComponent(secret)))).toEqual([]);
});
