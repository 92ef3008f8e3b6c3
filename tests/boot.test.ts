import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { newCheckpointKeyPair } from "@/lib/crypto/checkpoint-key";
import { developmentKeys } from "@/lib/crypto/keyring";

/**
 * `npm start` (what deploy/systemd runs) in production with a keyring that is
 * missing or derived: it must stop before touching the database, naming the
 * variable. DATABASE_URL points at a port where nothing listens, so a boot
 * that went further would fail differently.
 */
const key = () => randomBytes(32).toString("base64");
const AUTH_SECRET = randomBytes(32).toString("hex");

function boot(extra: Record<string, string>) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    DATABASE_URL: "postgres://postgres:unused@127.0.0.1:9/harambee",
    AUTH_SECRET,
    APP_DB_PASSWORD: key(),
    PLATFORM_DB_PASSWORD: key(),
    // A shared rate-limit store, so that the keyring is what the boot refuses (nothing connects before it).
    REDIS_URL: "redis://127.0.0.1:9",
    PORT: "3999",
    ...extra,
  };
  const run = spawnSync("node_modules/.bin/tsx", ["scripts/start.ts"], { env, encoding: "utf8", timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("production boot refuses secrets that are not real", () => {
  test("[M2.5] without FIELD_ENCRYPTION_KEYS it exits, naming the variable", () => {
    const { status, output } = boot({ BLIND_INDEX_KEY: key() });
    expect(status).toBe(1);
    expect(output).toContain("Refusing to start in production: FIELD_ENCRYPTION_KEYS is not set");
  });

  test("[M2.5] without BLIND_INDEX_KEY, or with a key derived from AUTH_SECRET, it exits, naming the variable", () => {
    const missing = boot({ FIELD_ENCRYPTION_KEYS: `k1:${key()}` });
    expect(missing.status).toBe(1);
    expect(missing.output).toContain("Refusing to start in production: BLIND_INDEX_KEY is not set");

    const derived = boot({ FIELD_ENCRYPTION_KEYS: `k1:${developmentKeys(AUTH_SECRET).fieldKey}`, BLIND_INDEX_KEY: key() });
    expect(derived.status).toBe(1);
    expect(derived.output).toContain(`Refusing to start in production: FIELD_ENCRYPTION_KEYS key "k1" is the development key derived from AUTH_SECRET`);
  });

  test("[M2.5] [M5.4] without AUDIT_KEYS or AUDIT_CHECKPOINT_KEY, or with a derived audit key, it exits, naming the variable", () => {
    const keys = { FIELD_ENCRYPTION_KEYS: `k1:${key()}`, BLIND_INDEX_KEY: key() };
    const noAuditKey = boot({ ...keys, AUDIT_CHECKPOINT_KEY: newCheckpointKeyPair().privateKey });
    expect(noAuditKey.status).toBe(1);
    expect(noAuditKey.output).toContain("Refusing to start in production: AUDIT_KEYS is not set");

    const derived = boot({ ...keys, AUDIT_KEYS: `a1:${developmentKeys(AUTH_SECRET).auditKey}`, AUDIT_CHECKPOINT_KEY: newCheckpointKeyPair().privateKey });
    expect(derived.status).toBe(1);
    expect(derived.output).toContain(`Refusing to start in production: AUDIT_KEYS key "a1" is the development key derived from AUTH_SECRET`);

    const noCheckpointKey = boot({ ...keys, AUDIT_KEYS: `a1:${key()}` });
    expect(noCheckpointKey.status).toBe(1);
    expect(noCheckpointKey.output).toContain("Refusing to start in production: AUDIT_CHECKPOINT_KEY is not set");
  });

  test("[M2.5] with a development database password it exits, naming the variable", () => {
    const { status, output } = boot({ FIELD_ENCRYPTION_KEYS: `k1:${key()}`, BLIND_INDEX_KEY: key(), APP_DB_PASSWORD: "harambee-app-dev" });
    expect(status).toBe(1);
    expect(output).toContain("Refusing to start in production: APP_DB_PASSWORD is the development default");
  });
});
