import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { newCheckpointKeyPair } from "@/lib/crypto/checkpoint-key";
import { parseEnv } from "@/lib/env";
import { inProcessWindow } from "@/lib/ratelimit/in-process";
import { rateLimitBackend } from "@/lib/ratelimit/limits";
import { tcpRedis } from "@/lib/ratelimit/tcp-redis";
import { Ratelimit } from "@upstash/ratelimit";
import type { Redis as UpstashRedis } from "@upstash/redis";
import { realRedis } from "./support/redis";

const base = { NODE_ENV: "test" as const, AUTH_SECRET: "an-auth-secret-of-at-least-32-characters", DATABASE_URL: "postgres://o@127.0.0.1:5432/h" };

describe("rate-limit settings", () => {
  test("[M3.5] the defaults are the promised ones: 5 sign-ins per IP per 5 minutes, 3 reset requests per IP per hour", () => {
    const e = parseEnv(base);
    expect([e.RATE_LIMIT_LOGIN, e.RATE_LIMIT_RESET]).toEqual([
      { attempts: 5, seconds: 300 },
      { attempts: 3, seconds: 3600 },
    ]);
    expect(e.RATE_LIMIT_LOGIN_ACCOUNT).toEqual({ attempts: 10, seconds: 900 });
    expect(() => parseEnv({ ...base, RATE_LIMIT_LOGIN: "5 per minute" })).toThrow(/RATE_LIMIT_LOGIN/);
  });

  test("[M3.5] backend: Upstash REST when set, else REDIS_URL, else in-process — which production refuses", () => {
    expect(rateLimitBackend(parseEnv({ ...base, UPSTASH_REDIS_REST_URL: "https://x.upstash.io", REDIS_URL: "redis://127.0.0.1:6379" }))).toBe("upstash");
    expect(rateLimitBackend(parseEnv({ ...base, REDIS_URL: "redis://127.0.0.1:6379" }))).toBe("redis");
    expect(rateLimitBackend(parseEnv({ ...base, NODE_ENV: "development" as const }))).toBe("in-process");
    const production = { ...base, NODE_ENV: "production" as const, APP_DB_PASSWORD: "real-app", PLATFORM_DB_PASSWORD: "real-platform", FIELD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`, BLIND_INDEX_KEY: randomBytes(32).toString("base64"), AUDIT_KEYS: `a1:${randomBytes(32).toString("base64")}`, AUDIT_CHECKPOINT_KEY: newCheckpointKeyPair().privateKey };
    expect(() => parseEnv(production)).toThrow(/UPSTASH_REDIS_REST_URL or REDIS_URL/);
    expect(rateLimitBackend(parseEnv({ ...production, REDIS_URL: "redis://127.0.0.1:6379" }))).toBe("redis");
  });
});

describe("counting", () => {
  let redis: Awaited<ReturnType<typeof realRedis>>;
  let client: ReturnType<typeof tcpRedis>;
  beforeAll(async () => {
    redis = await realRedis();
    client = tcpRedis(redis.url);
  });
  afterAll(async () => {
    await client.quit();
    redis.stop();
  });

  test("[M3.5] @upstash/ratelimit over a TCP Redis: 50 concurrent attempts admit exactly 5, the rest learn when the window ends", async () => {
    const limiter = new Ratelimit({
      redis: client as unknown as UpstashRedis,
      limiter: Ratelimit.fixedWindow(5, "300 s"),
      prefix: `test-${randomBytes(4).toString("hex")}`,
      ephemeralCache: false,
    });
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.limit("203.0.113.9")));
    expect(results.filter((r) => r.success)).toHaveLength(5);
    const refused = results.filter((r) => !r.success);
    expect(refused).toHaveLength(45);
    expect(new Set(refused.map((r) => r.reset)).size).toBe(1);
    expect(refused[0]!.reset % 300_000).toBe(0);
    // Another address has its own count.
    expect((await limiter.limit("203.0.113.10")).success).toBe(true);
  });

  test("[M3.5] the in-process store counts the same way within one window", () => {
    const limiter = inProcessWindow(3, 3_600_000);
    const decisions = Array.from({ length: 4 }, () => limiter.limit("198.51.100.1").success);
    expect(decisions).toEqual([true, true, true, false]);
  });
});
