import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { newCheckpointKeyPair } from "@/lib/crypto/checkpoint-key";
import { developmentKeys, parseKeyring } from "@/lib/crypto/keyring";
import { parseEnv } from "@/lib/env";

const AUTH_SECRET = "an-auth-secret-of-at-least-32-characters";
const key = () => randomBytes(32).toString("base64");
const prodEnv = {
  NODE_ENV: "production" as const,
  REDIS_URL: "redis://127.0.0.1:6379",
  AUTH_SECRET,
  DATABASE_URL: "postgres://owner@127.0.0.1:5432/harambee",
  APP_DB_PASSWORD: "a-real-app-password",
  PLATFORM_DB_PASSWORD: "a-real-platform-password",
  AUDIT_KEYS: `a1:${key()}`,
  AUDIT_CHECKPOINT_KEY: newCheckpointKeyPair().privateKey,
};

describe("the keyring from FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY", () => {
  test("the first entry is the current key; the others stay available to decrypt", () => {
    const keyring = parseKeyring({ FIELD_ENCRYPTION_KEYS: `k2:${key()}, k1:${key()}`, BLIND_INDEX_KEY: key() });
    expect(keyring.currentKeyId).toBe("k2");
    expect([...keyring.keys.keys()]).toEqual(["k2", "k1"]);
    expect(keyring.derived).toEqual({ fieldKeys: false, blindIndexKey: false });
  });

  test("base64url keys are accepted too", () => {
    const keyring = parseKeyring({ FIELD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64url")}`, BLIND_INDEX_KEY: key() });
    expect(keyring.keys.get("k1")?.symmetricKeySize).toBe(32);
  });

  test.each([
    ["k1", /FIELD_ENCRYPTION_KEYS: entry 1 must look like/],
    [`k 1:${key()}`, /FIELD_ENCRYPTION_KEYS: entry 1 must look like/],
    [`k1:${randomBytes(16).toString("base64")}`, /FIELD_ENCRYPTION_KEYS: key "k1" must be 32 random bytes/],
    [`k1:${key()},k1:${key()}`, /FIELD_ENCRYPTION_KEYS: key id "k1" appears twice/],
    [" , ", /FIELD_ENCRYPTION_KEYS: no keys given/],
  ])("a malformed FIELD_ENCRYPTION_KEYS (%s) is refused, naming the variable", (value, message) => {
    expect(() => parseKeyring({ FIELD_ENCRYPTION_KEYS: value, BLIND_INDEX_KEY: key() })).toThrow(message);
  });

  test("a blind-index key shorter than 32 bytes, or equal to a field key, is refused", () => {
    expect(() => parseKeyring({ FIELD_ENCRYPTION_KEYS: `k1:${key()}`, BLIND_INDEX_KEY: "c2hvcnQ=" })).toThrow(/BLIND_INDEX_KEY: the key must be 32/);
    const shared = key();
    expect(() => parseKeyring({ FIELD_ENCRYPTION_KEYS: `k1:${shared}`, BLIND_INDEX_KEY: shared })).toThrow(/BLIND_INDEX_KEY must differ/);
  });

  test("in development a missing keyring is derived from AUTH_SECRET with HKDF, deterministically", () => {
    const a = parseKeyring({ NODE_ENV: "development", AUTH_SECRET });
    const b = parseKeyring({ NODE_ENV: "development", AUTH_SECRET });
    expect(a.currentKeyId).toBe("dev");
    expect(a.derived).toEqual({ fieldKeys: true, blindIndexKey: true });
    expect(a.keys.get("dev")!.export().equals(b.keys.get("dev")!.export())).toBe(true);
    expect(a.keys.get("dev")!.export().toString("base64")).toBe(developmentKeys(AUTH_SECRET).fieldKey);
    expect(a.keys.get("dev")!.export().equals(a.blindIndexKey.export())).toBe(false);
    const other = parseKeyring({ NODE_ENV: "development", AUTH_SECRET: `${AUTH_SECRET}-other` });
    expect(other.keys.get("dev")!.export().equals(a.keys.get("dev")!.export())).toBe(false);
  });

  test("[M2.5] production refuses a missing FIELD_ENCRYPTION_KEYS, naming the variable", () => {
    expect(() => parseEnv({ ...prodEnv, BLIND_INDEX_KEY: key() })).toThrow(
      /Refusing to start in production: FIELD_ENCRYPTION_KEYS is not set/,
    );
  });

  test("[M2.5] production refuses a missing BLIND_INDEX_KEY, naming the variable", () => {
    expect(() => parseEnv({ ...prodEnv, FIELD_ENCRYPTION_KEYS: `k1:${key()}` })).toThrow(
      /Refusing to start in production: BLIND_INDEX_KEY is not set/,
    );
  });

  test("[M2.5] production refuses keys that are the development keys derived from AUTH_SECRET", () => {
    const dev = developmentKeys(AUTH_SECRET);
    expect(() => parseEnv({ ...prodEnv, FIELD_ENCRYPTION_KEYS: `k2:${key()},old:${dev.fieldKey}`, BLIND_INDEX_KEY: key() })).toThrow(
      /FIELD_ENCRYPTION_KEYS key "old" is the development key derived from AUTH_SECRET/,
    );
    expect(() => parseEnv({ ...prodEnv, FIELD_ENCRYPTION_KEYS: `k1:${key()}`, BLIND_INDEX_KEY: dev.blindIndexKey })).toThrow(
      /BLIND_INDEX_KEY is the development key derived from AUTH_SECRET/,
    );
  });

  test("production accepts a real keyring", () => {
    const env = parseEnv({ ...prodEnv, FIELD_ENCRYPTION_KEYS: `k1:${key()}`, BLIND_INDEX_KEY: key() });
    expect(env.keyring.currentKeyId).toBe("k1");
    expect(env.keyring.derived).toEqual({ fieldKeys: false, blindIndexKey: false });
  });
});
