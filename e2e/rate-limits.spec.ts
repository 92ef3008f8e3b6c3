import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD } from "./support/app";
import { connectOwner } from "./support/database";
import { startSecondServer, type SecondServer } from "./support/second-server";

/**
 * Promise M3.5 against a production server with the promised attempt counts
 * (5 sign-ins per IP, 3 reset requests per IP) over real HTTP and a real
 * Redis. Only the windows are shortened (20 s instead of 5 min and 1 h) so
 * the test can wait one out; the main e2e server raises the counts instead.
 */
test.describe.configure({ mode: "serial" });

const WINDOW_S = 20;
let server: SecondServer;
let host = "";

test.beforeAll(async () => {
  server = await startSecondServer({
    RATE_LIMIT_PREFIX: `m35-${randomBytes(4).toString("hex")}`,
    RATE_LIMIT_LOGIN: `5/${WINDOW_S}`,
    RATE_LIMIT_RESET: `3/${WINDOW_S}`,
  });
  host = `kilimani.localhost:${server.port}`;
});

test.afterAll(() => server?.stop());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const post = (path: string, fields: Record<string, string>) =>
  server.request({
    host,
    path,
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: `http://${host}`, "sec-fetch-site": "same-origin" },
    body: form(fields),
  });

/** Fixed windows start on multiples of their length: begin right after one starts, so all 50 land in it. */
async function atWindowStart(): Promise<void> {
  const into = Date.now() % (WINDOW_S * 1000);
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000 - into + 100));
}

async function auditCount(action: string): Promise<number> {
  const db = await connectOwner();
  try {
    const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM audit_entry WHERE action = $1", [action]);
    return Number(rows[0]!.n);
  } finally {
    await db.end();
  }
}

test("[M3.5] 50 concurrent wrong logins from one IP: exactly 5 pass the limiter, 45 get 429 with Retry-After; after the window, login works", async () => {
  test.setTimeout(120_000);
  const auditedBefore = await auditCount("auth.login_rate_limited");
  await atWindowStart();
  const answers = await Promise.all(
    Array.from({ length: 50 }, () => post("/login/submit", { email: "treasurer@kilimani.test", password: "not-the-password-123", next: "/" })),
  );
  const passed = answers.filter((a) => a.status !== 429);
  const limited = answers.filter((a) => a.status === 429);
  expect(passed.map((a) => [a.status, a.headers.location])).toEqual(Array(5).fill([303, "/login?error=credentials&next=%2F"]));
  expect(limited).toHaveLength(45);
  for (const answer of limited) {
    const retryAfter = Number(answer.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
    expect(answer.body).toContain("please wait and try again in");
  }
  expect(await auditCount("auth.login_rate_limited")).toBe(auditedBefore + 45);

  // The right password is refused too while the window lasts, then accepted.
  expect((await post("/login/submit", { email: "treasurer@kilimani.test", password: DEMO_PASSWORD, next: "/" })).status).toBe(429);
  const wait = Math.max(...limited.map((a) => Number(a.headers["retry-after"])));
  await new Promise((r) => setTimeout(r, wait * 1000 + 200));
  const signedIn = await post("/login/submit", { email: "treasurer@kilimani.test", password: DEMO_PASSWORD, next: "/" });
  expect([signedIn.status, signedIn.headers.location]).toEqual([303, "/"]);
  expect(String(signedIn.headers["set-cookie"])).toContain("harambee.session=");
});

test("[M3.5] 4 password-reset requests from one IP: 3 answered, the 4th gets 429 with Retry-After; after the window, asking works again", async () => {
  test.setTimeout(90_000);
  await atWindowStart();
  const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => post("/forgot-password/submit", { email: `nobody-${i}@kilimani.test` })));
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses).toEqual([303, 303, 303, 429]);
  const limited = answers.find((a) => a.status === 429)!;
  expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  expect(limited.body).toContain("please wait and try again in");
  await new Promise((r) => setTimeout(r, Number(limited.headers["retry-after"]) * 1000 + 200));
  const again = await post("/forgot-password/submit", { email: "nobody@kilimani.test" });
  expect([again.status, again.headers.location]).toEqual([303, "/forgot-password?sent=1"]);
});
