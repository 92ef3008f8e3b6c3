import { createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import { describe, expect, test } from "vitest";
import { entryHash, GENESIS_HASH, legacyEntryHash, type HashedFields } from "@/lib/audit/canonical";
import { checkpointObjectKey, InvalidCheckpointError, openCheckpoint, signCheckpoint } from "@/lib/audit/checkpoints";
import { verifyChain, type ChainRow } from "@/lib/audit/verify";
import { newCheckpointKeyPair, parseCheckpointSigner, parseCheckpointVerifyKeys } from "@/lib/crypto/checkpoint-key";
import { developmentKeys, parseAuditKeys, parseKeyring } from "@/lib/crypto/keyring";

const AUTH_SECRET = "an-auth-secret-of-at-least-32-characters";
const key = () => randomBytes(32).toString("base64");

describe("the audit keys (AUDIT_KEYS)", () => {
  test("[M5.4] current key first, retired keys after it; malformed entries are refused naming the variable", () => {
    const audit = parseAuditKeys({ AUDIT_KEYS: `a2:${key()}, a1:${key()}` });
    expect(audit.currentKeyId).toBe("a2");
    expect([...audit.keys.keys()]).toEqual(["a2", "a1"]);
    expect(audit.derived).toBe(false);
    expect(() => parseAuditKeys({ AUDIT_KEYS: "a1:c2hvcnQ=" })).toThrow(/AUDIT_KEYS: key "a1" must be 32 random bytes/);
    expect(() => parseAuditKeys({ AUDIT_KEYS: `${key()}` })).toThrow(/AUDIT_KEYS: entry 1 must look like/);
    expect(() => parseAuditKeys({})).toThrow(/AUDIT_KEYS is needed/);
  });

  test("[M2.5] outside production the key is derived from AUTH_SECRET; production refuses a missing or derived key", () => {
    const dev = parseAuditKeys({ AUTH_SECRET });
    expect(dev).toMatchObject({ currentKeyId: "dev", derived: true });
    expect(dev.keys.get("dev")!.export().toString("base64")).toBe(developmentKeys(AUTH_SECRET).auditKey);
    expect(() => parseAuditKeys({ NODE_ENV: "production", AUTH_SECRET })).toThrow(/Refusing to start in production: AUDIT_KEYS is not set/);
    expect(() => parseAuditKeys({ NODE_ENV: "production", AUTH_SECRET, AUDIT_KEYS: `a2:${key()},old:${developmentKeys(AUTH_SECRET).auditKey}` })).toThrow(
      /AUDIT_KEYS key "old" is the development key derived from AUTH_SECRET/,
    );
  });

  test("[M5.4] an audit key must differ from the field and blind-index keys, and the derived keys all differ", () => {
    const shared = key();
    const withFieldKey = { FIELD_ENCRYPTION_KEYS: `k1:${shared}`, BLIND_INDEX_KEY: key(), AUDIT_KEYS: `a2:${key()},a1:${shared}` };
    expect(() => parseAuditKeys(withFieldKey, parseKeyring(withFieldKey))).toThrow(/AUDIT_KEYS key "a1" must differ/);
    const withBlindKey = { FIELD_ENCRYPTION_KEYS: `k1:${key()}`, BLIND_INDEX_KEY: shared, AUDIT_KEYS: `a1:${shared}` };
    expect(() => parseAuditKeys(withBlindKey, parseKeyring(withBlindKey))).toThrow(/AUDIT_KEYS key "a1" must differ/);
    const dev = developmentKeys(AUTH_SECRET);
    expect(new Set([dev.fieldKey, dev.blindIndexKey, dev.auditKey]).size).toBe(3);
    expect(parseAuditKeys({ AUTH_SECRET }, parseKeyring({ AUTH_SECRET })).currentKeyId).toBe("dev");
  });
});

const row = (seq: number, prevHash: string, keyId: string | null, hashWith: (prev: string, fields: HashedFields) => string): ChainRow => {
  const fields: HashedFields = {
    organizationId: "0b5e3c1a-2f4d-4e8a-9c6b-1d2e3f4a5b6c",
    seq: BigInt(seq),
    at: new Date(Date.UTC(2026, 11, 1, 0, 0, seq)),
    actorId: null,
    actorLabel: "treasurer@kilimani.test",
    ip: null,
    action: "member.update",
    summary: `Edit ${seq}`,
    targetType: "Member",
    targetId: null,
    before: null,
    after: { n: seq },
  };
  return { ...fields, id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`, prevHash, hash: hashWith(prevHash, fields), keyId };
};

/** A chain of `keyIds.length` entries, entry i under keyIds[i] (null: the unkeyed SHA-256). */
function chain(keyIds: (string | null)[], keys: ReadonlyMap<string, KeyObject>): ChainRow[] {
  const rows: ChainRow[] = [];
  for (const [i, keyId] of keyIds.entries()) {
    const prev = rows.at(-1)?.hash ?? GENESIS_HASH;
    rows.push(row(i + 1, prev, keyId, (p, f) => (keyId ? entryHash(keys.get(keyId)!, p, f) : legacyEntryHash(p, f))));
  }
  return rows;
}

const reader = (rows: ChainRow[]) => async (after: { seq: bigint } | null, limit: number) => rows.filter((r) => !after || r.seq > after.seq).slice(0, limit);

describe("verifying a keyed chain", () => {
  const a1 = createSecretKey(randomBytes(32));
  const a2 = createSecretKey(randomBytes(32));
  const both = new Map([["a2", a2], ["a1", a1]]);

  test("[M5.4] after a rotation, entries keep verifying under the key they name while it is in the keyring; without it they are reported", async () => {
    const rows = chain(["a1", "a1", "a1", "a2", "a2"], both);
    expect(await verifyChain(reader(rows), { keys: both })).toMatchObject({ ok: true, checked: 5 });
    expect(await verifyChain(reader(rows), { keys: new Map([["a2", a2]]) })).toMatchObject({
      ok: false,
      brokenAt: 1n,
      problem: "entry is under an audit key not in AUDIT_KEYS",
      found: "a1",
    });
  });

  test("[M5.4] an entry without a key id is refused, however correct its SHA-256: only the re-keying step accepts the old hash", async () => {
    const rows = chain(["a1", "a1", null, "a1"], both);
    expect(await verifyChain(reader(rows), { keys: both })).toMatchObject({ ok: false, brokenAt: 3n, problem: "entry has no audit key id (not written under the audit key)" });
    expect(await verifyChain(reader(rows), { keys: both, acceptUnkeyed: true })).toMatchObject({ ok: true, checked: 4 });
  });

  test("[M5.4] an entry HMAC'd under a key not the one it names (a guessed key) does not verify", async () => {
    const guessed = createSecretKey(randomBytes(32));
    const rows = chain(["a1", "a1", "a1"], new Map([["a1", guessed]]));
    expect(await verifyChain(reader(rows), { keys: both })).toMatchObject({ ok: false, brokenAt: 1n, problem: "content does not match its hash" });
  });

  test("[M5.4] against a checkpoint: a chain shorter than it, or differing at its seq, is broken at that point", async () => {
    const rows = chain(["a1", "a1", "a1", "a1"], both);
    const checkpoint = { seq: 4n, hash: rows[3].hash };
    expect(await verifyChain(reader(rows), { keys: both, checkpoint })).toMatchObject({ ok: true });
    expect(await verifyChain(reader(rows.slice(0, 2)), { keys: both, checkpoint })).toMatchObject({
      ok: false,
      brokenAt: 3n,
      problem: "chain ends before its signed checkpoint: entries were cut",
    });
    expect(await verifyChain(reader(rows), { keys: both, checkpoint: { seq: 3n, hash: "f".repeat(64) } })).toMatchObject({
      ok: false,
      brokenAt: 3n,
      problem: "entry differs from the signed checkpoint",
    });
    // Verifying from a checkpoint reads only the entries after it.
    expect(await verifyChain(reader(rows), { keys: both, from: { seq: 2n, hash: rows[1].hash } })).toMatchObject({ ok: true, checked: 3, head: { seq: 4n } });
  });
});

describe("the checkpoint signing key (AUDIT_CHECKPOINT_KEY)", () => {
  test("[M2.5] derived from AUTH_SECRET outside production; production refuses a missing or derived key", () => {
    const dev = parseCheckpointSigner({ AUTH_SECRET });
    expect(dev.derived).toBe(true);
    expect(parseCheckpointSigner({ AUTH_SECRET }).keyId).toBe(dev.keyId);
    expect(() => parseCheckpointSigner({ NODE_ENV: "production", AUTH_SECRET })).toThrow(/Refusing to start in production: AUDIT_CHECKPOINT_KEY is not set/);
    const derivedDer = dev.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    expect(() => parseCheckpointSigner({ NODE_ENV: "production", AUTH_SECRET, AUDIT_CHECKPOINT_KEY: derivedDer })).toThrow(
      /AUDIT_CHECKPOINT_KEY is the development key derived from AUTH_SECRET/,
    );
    expect(() => parseCheckpointSigner({ AUDIT_CHECKPOINT_KEY: key() })).toThrow(/AUDIT_CHECKPOINT_KEY: not a base64 PKCS#8 key/);
    expect(parseCheckpointSigner({ NODE_ENV: "production", AUTH_SECRET, AUDIT_CHECKPOINT_KEY: newCheckpointKeyPair().privateKey }).derived).toBe(false);
  });

  test("[M5.4] a checkpoint verifies with the public key alone; a changed payload, another key or another name does not", async () => {
    const pair = newCheckpointKeyPair();
    const signer = parseCheckpointSigner({ AUDIT_CHECKPOINT_KEY: pair.privateKey });
    const verifier = parseCheckpointVerifyKeys({ AUDIT_CHECKPOINT_PUBLIC_KEYS: pair.publicKey });
    const checkpoint = { chain: "platform", seq: 12n, hash: "a".repeat(64), at: new Date("2026-12-03T10:00:00.000Z") };
    const name = checkpointObjectKey("platform", 12n);
    expect(name).toBe("audit-checkpoints/platform/00000000000/000/000/00000000000000000012.jws");
    const jws = await signCheckpoint(signer, checkpoint);
    expect(await openCheckpoint(jws, verifier, name)).toEqual(checkpoint);

    const [header, payload, signature] = jws.split(".");
    const altered = Buffer.from(payload, "base64url").toString().replace('"12"', '"13"');
    await expect(openCheckpoint(`${header}.${Buffer.from(altered).toString("base64url")}.${signature}`, verifier, name)).rejects.toThrow("invalid signature");
    const other = parseCheckpointSigner({ AUDIT_CHECKPOINT_KEY: newCheckpointKeyPair().privateKey });
    await expect(openCheckpoint(await signCheckpoint(other, checkpoint), verifier, name)).rejects.toThrow(/signed by an unknown key/);
    await expect(openCheckpoint(jws, verifier, checkpointObjectKey("platform", 99n))).rejects.toBeInstanceOf(InvalidCheckpointError);
  });
});
