/**
 * `npm run bench:dashboard` — what the treasurer's dashboard costs to render
 * (promise P7), beside the member list in the same run.
 *
 * The production build served by the real start script on its own embedded
 * PostgreSQL (scripts/lib/bench-server.ts), the demo seeded, then one club
 * (kilimani) grown to 10,000 members, 120,000 invoices and 100,000 ledger
 * rows. Signed in as its treasurer, it fetches the dashboard and the first
 * page of the member list one request at a time, interleaved, and prints
 * p50 and p99 of the whole response (server render included), and the ratio.
 * Goal: dashboard p99 < 250 ms.
 */
import { DEMO_PASSWORD } from "../prisma/seed";
import { BENCH_ROOT_DOMAIN, bulkClubLedger, withBenchServer } from "./lib/bench-server";

const MEMBERS = 10_000;
const WARMUP = 10;
const ITERATIONS = 200;
const GOAL_P99_MS = 250;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function main() {
  await withBenchServer(async (server) => {
    const fixture = await bulkClubLedger(server.ownerUrl, "kilimani", { members: MEMBERS, months: 12, unpaid: 2 });
    console.log(`kilimani: +${MEMBERS.toLocaleString("en")} members, +${fixture.invoices.toLocaleString("en")} invoices, +${fixture.payments.toLocaleString("en")} ledger rows`);
    const cookie = await server.signIn("kilimani", "treasurer@kilimani.test", DEMO_PASSWORD);
    const host = `kilimani.${BENCH_ROOT_DOMAIN}:${server.port}`;
    const pages = [
      { label: "dashboard (/)", path: "/", marker: 'data-testid="figure-dues-per-month"' },
      { label: "member list (/members)", path: "/members", marker: "Member" },
    ];
    const samples = new Map(pages.map((p) => [p.path, [] as number[]]));
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      for (const page of pages) {
        const { status, ms, body } = await server.get(host, page.path, cookie);
        if (status !== 200 || !body.includes(page.marker)) throw new Error(`${page.path} answered ${status} without its content`);
        if (i >= WARMUP) samples.get(page.path)!.push(ms);
      }
    }
    console.log(`${ITERATIONS} sequential requests each, interleaved, after ${WARMUP} warm-up; whole response in ms`);
    console.log("page                        p50 ms   p99 ms");
    const p99 = new Map<string, number>();
    for (const page of pages) {
      const sorted = samples.get(page.path)!.sort((a, b) => a - b);
      p99.set(page.path, percentile(sorted, 0.99));
      console.log(`${page.label.padEnd(26)} ${percentile(sorted, 0.5).toFixed(1).padStart(7)}  ${percentile(sorted, 0.99).toFixed(1).padStart(7)}`);
    }
    const dashboard = p99.get("/")!;
    console.log(`dashboard p99 / member list p99: ${(dashboard / p99.get("/members")!).toFixed(2)}×`);
    console.log(`goal: dashboard p99 < ${GOAL_P99_MS} ms — ${dashboard < GOAL_P99_MS ? "met" : "MISSED"}`);
  });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
