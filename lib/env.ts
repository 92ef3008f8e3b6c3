import { availableParallelism } from "node:os";
import type { KeyObject } from "node:crypto";
import { z } from "zod";
import { parseCheckpointSigner, parseCheckpointVerifyKeys, type CheckpointSigner } from "./crypto/checkpoint-key";
import { parseAuditKeys, parseKeyring, type AuditKeyring, type Keyring } from "./crypto/keyring";

/**
 * Every environment variable the app reads, validated once. Production refuses
 * missing or development-default secrets (promise M2.5).
 */
const DEV_DB_PASSWORDS = { app: "harambee-app-dev", platform: "harambee-platform-dev" } as const;

/** "<attempts>/<window seconds>", e.g. "5/300": five attempts per five minutes. */
const rateLimit = z
  .string()
  .regex(/^[1-9]\d*\/[1-9]\d*$/, 'write a rate limit as "<attempts>/<seconds>", e.g. "5/300"')
  .transform((value) => {
    const [attempts, seconds] = value.split("/").map(Number);
    return { attempts: attempts!, seconds: seconds! };
  });

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  APP_ROOT_DOMAIN: z.string().min(1).default("localhost"),
  // The apex's public origin, for links in emails (lib/tenancy/origin.ts): scheme and port; its host is APP_ROOT_DOMAIN. Unset: https://<APP_ROOT_DOMAIN>.
  APP_ORIGIN: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z.string().url().optional(),
  APP_DATABASE_URL: z.string().url().optional(),
  PLATFORM_DATABASE_URL: z.string().url().optional(),
  APP_DB_PASSWORD: z.string().min(1).default(DEV_DB_PASSWORDS.app),
  PLATFORM_DB_PASSWORD: z.string().min(1).default(DEV_DB_PASSWORDS.platform),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters"),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  SESSION_MAX_HOURS: z.coerce.number().int().positive().default(12),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  // Parsed into the keyring below (lib/crypto/keyring.ts); derived from AUTH_SECRET outside production.
  FIELD_ENCRYPTION_KEYS: z.string().optional(),
  BLIND_INDEX_KEY: z.string().optional(),
  AUDIT_KEYS: z.string().optional(),
  // Audit checkpoints (lib/crypto/checkpoint-key.ts): Ed25519, derived from AUTH_SECRET outside production.
  AUDIT_CHECKPOINT_KEY: z.string().optional(),
  AUDIT_CHECKPOINT_PUBLIC_KEYS: z.string().optional(),
  // Connections per database role in each process (lib/db/clients.ts); unset, sized for the machine's cores.
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().max(100).optional(),
  HARAMBEE_FAULT_INJECTION: z.enum(["0", "1"]).default("0"),
  // Rate limits (lib/ratelimit, docs/AUTH.md): Upstash REST, else a TCP Redis, else in-process (not in production).
  UPSTASH_REDIS_REST_URL: z.string().url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  REDIS_URL: z.string().url().optional(),
  // Only the single-instance demo (`npm start` on the embedded database) sets this in production mode.
  RATE_LIMIT_IN_PROCESS: z.enum(["0", "1"]).default("0"),
  RATE_LIMIT_PREFIX: z.string().min(1).default("harambee"),
  RATE_LIMIT_LOGIN: rateLimit.prefault("5/300"),
  RATE_LIMIT_LOGIN_ACCOUNT: rateLimit.prefault("10/900"),
  RATE_LIMIT_RESET: rateLimit.prefault("3/3600"),
  RATE_LIMIT_TOTP: rateLimit.prefault("5/300"),
  RATE_LIMIT_PAY_LINK: rateLimit.prefault("20/600"),
  // Email (lib/email): Resend when the key is set, otherwise the outbox table.
  RESEND_API_KEY: z.string().min(1).optional(),
  EMAIL_FROM: z.string().min(3).default("Harambee <no-reply@harambee.test>"),
  // Payment providers (lib/payments). Unset: the real APIs. Set: a local stand-in (tests, the offline demo).
  STRIPE_API_BASE: z.string().url().optional(),
  DARAJA_BASE_URL: z.string().url().default("https://sandbox.safaricom.co.ke"),
  // Optional second check on M-Pesa callbacks: comma-separated Safaricom addresses (the token is the first).
  MPESA_CALLBACK_IPS: z.string().optional(),
});

export type Env = z.infer<typeof schema> & {
  appDatabaseUrl: string;
  platformDatabaseUrl: string;
  databasePoolSize: number;
  keyring: Keyring;
  auditKeys: AuditKeyring;
  checkpointSigner: CheckpointSigner;
  checkpointVerifyKeys: ReadonlyMap<string, KeyObject>;
};

function withCredentials(ownerUrl: string, user: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = user;
  url.password = password;
  return url.toString();
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  const env = parsed.data;
  const appDatabaseUrl =
    env.APP_DATABASE_URL ?? (env.DATABASE_URL && withCredentials(env.DATABASE_URL, "harambee_app", env.APP_DB_PASSWORD));
  const platformDatabaseUrl =
    env.PLATFORM_DATABASE_URL ??
    (env.DATABASE_URL && withCredentials(env.DATABASE_URL, "harambee_platform", env.PLATFORM_DB_PASSWORD));
  if (!appDatabaseUrl || !platformDatabaseUrl) {
    throw new Error("Invalid environment: set DATABASE_URL, or APP_DATABASE_URL and PLATFORM_DATABASE_URL");
  }
  if (env.APP_ORIGIN && new URL(env.APP_ORIGIN).hostname !== env.APP_ROOT_DOMAIN.toLowerCase()) {
    throw new Error(`Invalid environment: APP_ORIGIN must name APP_ROOT_DOMAIN, e.g. https://${env.APP_ROOT_DOMAIN}`);
  }
  if (env.NODE_ENV === "production") {
    if (!source.APP_DATABASE_URL && env.APP_DB_PASSWORD === DEV_DB_PASSWORDS.app) {
      throw new Error("Refusing to start in production: APP_DB_PASSWORD is the development default");
    }
    if (!source.PLATFORM_DATABASE_URL && env.PLATFORM_DB_PASSWORD === DEV_DB_PASSWORDS.platform) {
      throw new Error("Refusing to start in production: PLATFORM_DB_PASSWORD is the development default");
    }
    // An in-process limiter counts per instance: behind a load balancer it would multiply every limit.
    if (!env.UPSTASH_REDIS_REST_URL && !env.REDIS_URL && env.RATE_LIMIT_IN_PROCESS !== "1") {
      throw new Error("Refusing to start in production: set UPSTASH_REDIS_REST_URL or REDIS_URL for rate limits");
    }
  }
  const keyring = parseKeyring(env);
  return {
    ...env,
    appDatabaseUrl,
    platformDatabaseUrl,
    // Postgres's rule of thumb (cores × 2 + 1): more connections than that only queue inside the server (npm run bench:write).
    databasePoolSize: env.DATABASE_POOL_SIZE ?? 2 * availableParallelism() + 1,
    keyring,
    auditKeys: parseAuditKeys(env, keyring),
    checkpointSigner: parseCheckpointSigner(env),
    checkpointVerifyKeys: parseCheckpointVerifyKeys(env),
  };
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
