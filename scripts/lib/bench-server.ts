import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./ports";

/**
 * A benchmark's own production server: the real start script (scripts/start.ts)
 * on a fresh embedded PostgreSQL in a temp dir, seeded with the demo, on
 * 127.0.0.1; stopped and removed afterwards whatever happens. Needs a
 * production build (`npx next build`) in the checkout.
 */
export type BenchServer = {
  port: number;
  /** The database owner's URL: for fixtures written straight into the tables. */
  ownerUrl: string;
  /** GET as a browser on `host` would, with an optional session cookie; the status and the time to the last byte in ms. */
  get: (host: string, path: string, cookie?: string) => Promise<{ status: number; ms: number; body: string }>;
  /** Signs in through the sign-in form's handler and answers the session cookie. */
  signIn: (slug: string, email: string, password: string) => Promise<string>;
};

export const BENCH_ROOT_DOMAIN = "localhost";

function request(port: number, options: { host: string; path: string; method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; ms: number }>((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request({ host: "127.0.0.1", port, path: options.path, method: options.method ?? "GET", headers: { host: options.host, ...options.headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on("error", reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

export async function withBenchServer(run: (server: BenchServer) => Promise<void>): Promise<void> {
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) throw new Error("no production build: run `npx next build` first");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "harambee-bench-server-"));
  const [port, pgPort] = [await freePort(), await freePort()];
  const child = spawn("node_modules/.bin/tsx", ["scripts/start.ts"], {
    detached: true,
    // One JSON line per request on stdout: discarded, as a deployment's journald would take it off the hot path.
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...({} as NodeJS.ProcessEnv),
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // No NODE_ENV: start.ts serves in production mode itself, and seeds the demo only outside it.
      PORT: String(port),
      HARAMBEE_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      APP_ROOT_DOMAIN: BENCH_ROOT_DOMAIN,
      // The bench signs in a few times from 127.0.0.1; the limits themselves are the rate-limit tests'.
      RATE_LIMIT_LOGIN: "1000/300",
      RATE_LIMIT_LOGIN_ACCOUNT: "1000/900",
    },
  });
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 40_000))]);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    for (;;) {
      const up = await request(port, { host: `${BENCH_ROOT_DOMAIN}:${port}`, path: "/api/health" }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (up) break;
      if (child.exitCode !== null || Date.now() - started > 300_000) throw new Error(`the server did not start: ${errors}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const { ownerPassword } = JSON.parse(readFileSync(path.join(dataDir, "secrets.json"), "utf8")) as { ownerPassword: string };
    await run({
      port,
      ownerUrl: `postgres://postgres:${encodeURIComponent(ownerPassword)}@127.0.0.1:${pgPort}/harambee`,
      get: async (host, at, cookie) => {
        const { status, ms, body } = await request(port, { host, path: at, headers: cookie ? { cookie } : {} });
        return { status, ms, body };
      },
      signIn: async (slug, email, password) => {
        const host = `${slug}.${BENCH_ROOT_DOMAIN}:${port}`;
        const answer = await request(port, {
          host,
          path: "/login/submit",
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: `http://${host}`, "sec-fetch-site": "same-origin" },
          body: new URLSearchParams({ email, password, next: "/" }).toString(),
        });
        const cookie = (answer.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).find((c) => c.includes("harambee.session="));
        if (answer.status !== 303 || !cookie) throw new Error(`sign-in as ${email} failed: ${answer.status}`);
        return cookie;
      },
    });
  } finally {
    await stop();
  }
}

/**
 * A big club, straight into the tables as the owner (a benchmark fixture, not
 * data the app made, so no audit entries): `members` active members on an
 * inactive monthly plan (the invoicing job leaves it alone), one invoice per
 * member for each of the last `months` months (due the 28th), and one
 * payment each for all but the newest `unpaid` months — in full for two
 * members in three, half for the third. Months are the Rotary year's
 * (2026-27-M01 is July 2026).
 */
export async function bulkClubLedger(ownerUrl: string, slug: string, { members, months, unpaid }: { members: number; months: number; unpaid: number }): Promise<{ invoices: number; payments: number }> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ invoices: number; payments: number }>(
      `WITH org AS (SELECT id FROM organization WHERE slug = $1)
       , m AS (
         INSERT INTO member (id, organization_id, first_name, last_name, status, updated_at)
         SELECT gen_random_uuid(), org.id, 'Bench' || i, 'Member' || lpad(i::text, 6, '0'), 'ACTIVE', now() FROM org, generate_series(1, $2) AS i
         RETURNING id, first_name)
       , p AS (
         INSERT INTO dues_plan (id, organization_id, name, amount_minor, currency, period_kind, due_days, grace_days, active)
         SELECT gen_random_uuid(), org.id, 'Bench monthly', 100000, 'KES', 'MONTHLY', 27, 90, false FROM org
         RETURNING id, organization_id)
       , months AS (
         SELECT k, (date_trunc('month', now() AT TIME ZONE 'Africa/Nairobi') - make_interval(months => $3 - k))::date AS start
           FROM generate_series(1, $3) AS k)
       , i AS (
         INSERT INTO dues_invoice (id, organization_id, member_id, plan_id, period, period_start, due_on, amount_minor, currency, covered_member_ids, updated_at)
         SELECT gen_random_uuid(), p.organization_id, m.id, p.id,
                (extract(year FROM mo.start)::int - (extract(month FROM mo.start)::int < 7)::int) || '-' ||
                lpad(((extract(year FROM mo.start)::int - (extract(month FROM mo.start)::int < 7)::int + 1) % 100)::text, 2, '0') || '-M' ||
                lpad((((extract(month FROM mo.start)::int + 5) % 12) + 1)::text, 2, '0'),
                mo.start, mo.start + 27, 100000, 'KES', ARRAY[m.id], now()
           FROM m, p, months mo
         RETURNING id, member_id, organization_id, due_on)
       , pay AS (
         INSERT INTO payment (id, organization_id, invoice_id, method, status, amount_minor, currency, reference, paid_at, updated_at)
         SELECT gen_random_uuid(), i.organization_id, i.id, 'BANK', 'SUCCEEDED',
                CASE substring(m.first_name, 6)::int % 3 WHEN 2 THEN 50000 ELSE 100000 END, 'KES', 'BENCH-' || i.id,
                (i.due_on - 3)::timestamp AT TIME ZONE 'Africa/Nairobi', now()
           FROM i JOIN m ON m.id = i.member_id
          WHERE i.due_on < (date_trunc('month', now() AT TIME ZONE 'Africa/Nairobi') - make_interval(months => $4 - 1))::date
         RETURNING 1)
       SELECT (SELECT count(*)::int FROM i) AS invoices, (SELECT count(*)::int FROM pay) AS payments`,
      [slug, members, months, unpaid],
    );
    await client.query("ANALYZE member; ANALYZE dues_plan; ANALYZE dues_invoice; ANALYZE payment");
    return rows[0];
  } finally {
    await client.end();
  }
}
