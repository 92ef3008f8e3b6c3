/**
 * `npm run bench:load` — what the pages people use sustain under concurrent
 * load, beside a static page of the same server in the same run (issue #11).
 *
 * The production build served by the real start script on its own embedded
 * PostgreSQL (scripts/lib/bench-server.ts), the demo seeded and one club
 * (kilimani) grown to 10,000 members and 100,000 ledger rows. autocannon
 * (closed loop, keep-alive) on 127.0.0.1 drives each target for a bounded
 * time and request count at 10 and 50 connections: the apex's public home
 * page (no session, no database: the peer), `/api/health` (three database
 * checks), and, signed in as the club's treasurer, the member list and the
 * dashboard. Prints req/s, p50 and p99 latency, and req/s as a share of the
 * static page's. Goal: member list at 50 connections ≥ 50 % of the static
 * page's req/s, with p99 < 250 ms.
 */
import autocannon from "autocannon";
import { DEMO_PASSWORD } from "../prisma/seed";
import { BENCH_ROOT_DOMAIN, bulkClubLedger, withBenchServer } from "./lib/bench-server";

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const MAX_REQUESTS = 20_000;
const CONNECTIONS = [10, 50];

type Row = { target: string; connections: number; rps: number; p50: number; p99: number; failed: number };

async function main() {
  await withBenchServer(async (server) => {
    const fixture = await bulkClubLedger(server.ownerUrl, "kilimani", { members: 10_000, months: 12, unpaid: 2 });
    console.log(`kilimani: +10,000 members, +${fixture.invoices.toLocaleString("en")} invoices, +${fixture.payments.toLocaleString("en")} ledger rows`);
    const cookie = await server.signIn("kilimani", "treasurer@kilimani.test", DEMO_PASSWORD);
    const club = `kilimani.${BENCH_ROOT_DOMAIN}:${server.port}`;
    const apex = `${BENCH_ROOT_DOMAIN}:${server.port}`;
    const targets = [
      { target: "static apex page (/)", host: apex, path: "/", cookie: undefined },
      { target: "/api/health", host: apex, path: "/api/health", cookie: undefined },
      { target: "member list (/members)", host: club, path: "/members", cookie },
      { target: "dashboard (/)", host: club, path: "/", cookie },
    ];
    const rows: Row[] = [];
    for (const connections of CONNECTIONS) {
      for (const t of targets) {
        // Warm the route (and its database connections) before it is measured.
        for (let i = 0; i < 5; i++) await server.get(t.host, t.path, t.cookie);
        const result = await autocannon({
          url: `http://127.0.0.1:${server.port}${t.path}`,
          connections,
          duration: SECONDS,
          maxOverallRequests: MAX_REQUESTS,
          headers: { host: t.host, ...(t.cookie ? { cookie: t.cookie } : {}) },
        });
        rows.push({ target: t.target, connections, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failed: result.non2xx + result.errors + result.timeouts });
      }
    }
    console.log(`autocannon, ${SECONDS} s or ${MAX_REQUESTS.toLocaleString("en")} requests per run, keep-alive, on 127.0.0.1`);
    console.log("target                    conns    req/s   p50 ms   p99 ms  failed  × static");
    for (const row of rows) {
      const peer = rows.find((r) => r.connections === row.connections && r.target.startsWith("static"))!;
      console.log(
        `${row.target.padEnd(24)} ${String(row.connections).padStart(5)} ${row.rps.toFixed(1).padStart(8)} ${String(row.p50).padStart(8)} ${String(row.p99).padStart(8)} ${String(row.failed).padStart(7)} ${(row.rps / peer.rps).toFixed(2).padStart(8)}`,
      );
    }
    const list = rows.find((r) => r.connections === 50 && r.target.startsWith("member list"))!;
    const peer = rows.find((r) => r.connections === 50 && r.target.startsWith("static"))!;
    const share = list.rps / peer.rps;
    console.log(`goal: member list at 50 connections ≥ 50 % of the static page's req/s (${(share * 100).toFixed(0)} %) and p99 < 250 ms (${list.p99} ms) — ${share >= 0.5 && list.p99 < 250 ? "met" : "MISSED"}`);
  });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
