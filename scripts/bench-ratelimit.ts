/**
 * `npm run bench:ratelimit` — what counting a sign-in attempt costs (promise
 * M3.5): `@upstash/ratelimit` over a TCP Redis (REDIS_URL, default
 * 127.0.0.1:6379), beside the in-process store and beside the Argon2id
 * verification every admitted attempt then pays, measured in the same run.
 */
import { randomBytes } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import type { Redis as UpstashRedis } from "@upstash/redis";
import { hashPassword, verifyPassword } from "../lib/auth/passwords";
import { inProcessWindow } from "../lib/ratelimit/in-process";
import { tcpRedis } from "../lib/ratelimit/tcp-redis";

const CALLS = 5_000;
const VERIFIES = 20;

async function perCall(n: number, fn: (i: number) => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) await fn(i);
  return Number(process.hrtime.bigint() - start) / n / 1000;
}

async function main() {
  const redis = tcpRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const limiter = new Ratelimit({
    redis: redis as unknown as UpstashRedis,
    limiter: Ratelimit.fixedWindow(5, "300 s"),
    prefix: `bench-${randomBytes(4).toString("hex")}`,
    ephemeralCache: false,
  });
  const local = inProcessWindow(5, 300_000);
  const hash = await hashPassword("Bench-Password-2026!");
  await perCall(500, (i) => limiter.limit(`warm-${i % 50}`));
  // Distinct addresses, as a crowd of clients would be.
  const redisUs = await perCall(CALLS, (i) => limiter.limit(`198.51.${i % 250}.${i % 200}`));
  const localUs = await perCall(CALLS, (i) => local.limit(`198.51.${i % 250}.${i % 200}`));
  const argonUs = await perCall(VERIFIES, () => verifyPassword(hash, "wrong-password-attempt"));
  await redis.quit();
  const f = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} µs`);
  console.log("| in-process store (peer) | Upstash ratelimit over TCP Redis | Argon2id verify (peer) | Redis / in-process | Redis / Argon2id |");
  console.log("|---|---|---|---|---|");
  console.log(`| ${f(localUs)} | ${f(redisUs)} | ${f(argonUs)} | ${(redisUs / localUs).toFixed(0)}× | ${((redisUs / argonUs) * 100).toFixed(1)} % |`);
}

void main();
