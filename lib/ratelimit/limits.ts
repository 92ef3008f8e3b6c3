import { Ratelimit } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import { env, type Env } from "../env";
import { inProcessWindow } from "./in-process";
import { tcpRedis } from "./tcp-redis";

/**
 * The named rate limits (promise M3.5), each "attempts per window" from the
 * environment with the promised defaults:
 *   login         5 per IP per 5 minutes            RATE_LIMIT_LOGIN
 *   loginAccount  10 per account per 15 minutes     RATE_LIMIT_LOGIN_ACCOUNT (distributed guessing)
 *   reset         3 reset requests per IP per hour  RATE_LIMIT_RESET
 *   totp          5 second-factor codes per user per 5 minutes  RATE_LIMIT_TOTP
 *   payLink       20 card or M-Pesa attempts per IP per 10 minutes on pay links  RATE_LIMIT_PAY_LINK
 * Fixed windows: Redis counts each attempt atomically, so 50 concurrent
 * attempts admit exactly the limit, and `reset` is an exact Retry-After.
 */
export type LimitName = "login" | "loginAccount" | "reset" | "totp" | "payLink";

const SETTING: Record<LimitName, keyof Env> = {
  login: "RATE_LIMIT_LOGIN",
  loginAccount: "RATE_LIMIT_LOGIN_ACCOUNT",
  reset: "RATE_LIMIT_RESET",
  totp: "RATE_LIMIT_TOTP",
  payLink: "RATE_LIMIT_PAY_LINK",
};

export type Decision = { success: boolean; reset: number };
type Limiter = { limit(identifier: string): Decision | Promise<Decision> };

/** Where the counts live: Upstash REST, a TCP Redis, or (not in production) this process. */
export function rateLimitBackend(e: Env = env()): "upstash" | "redis" | "in-process" {
  if (e.UPSTASH_REDIS_REST_URL) return "upstash";
  if (e.REDIS_URL) return "redis";
  return "in-process";
}

function build(name: LimitName): Limiter {
  const e = env();
  const { attempts, seconds } = e[SETTING[name]] as { attempts: number; seconds: number };
  const backend = rateLimitBackend(e);
  if (backend === "in-process") return inProcessWindow(attempts, seconds * 1000);
  const redis =
    backend === "upstash"
      ? new UpstashRedis({ url: e.UPSTASH_REDIS_REST_URL!, token: e.UPSTASH_REDIS_REST_TOKEN ?? "" })
      : (sharedTcp ??= tcpRedis(e.REDIS_URL!));
  return new Ratelimit({
    // The adapter provides exactly the script calls the limiter makes.
    redis: redis as unknown as UpstashRedis,
    limiter: Ratelimit.fixedWindow(attempts, `${seconds} s`),
    prefix: `${e.RATE_LIMIT_PREFIX}:${name}`,
    // No per-process cache of blocked keys: Redis alone decides, the same on every instance.
    ephemeralCache: false,
  });
}

let sharedTcp: ReturnType<typeof tcpRedis> | undefined;
const limiters = new Map<LimitName, Limiter>();

export type LimitOutcome = { ok: true } | { ok: false; retryAfterSeconds: number; retryAt: Date };

/** Counts one attempt against `name` for `key` (an IP, an email, a user id). */
export async function consume(name: LimitName, key: string): Promise<LimitOutcome> {
  let limiter = limiters.get(name);
  if (!limiter) limiters.set(name, (limiter = build(name)));
  const { success, reset } = await limiter.limit(key.toLowerCase());
  if (success) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((reset - Date.now()) / 1000)), retryAt: new Date(reset) };
}

/** When to try again, in words for the back-off page: "in 4 minutes (at 10:42 UTC)". */
export function retryWording(outcome: { retryAfterSeconds: number; retryAt: Date }): string {
  const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
  const when = outcome.retryAfterSeconds < 60 ? `in ${outcome.retryAfterSeconds} seconds` : `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
  return `${when} (at ${outcome.retryAt.toISOString().slice(11, 16)} UTC)`;
}
