import { createHash, createHmac, createSecretKey } from "node:crypto";
import { describe, expect, test } from "vitest";
import { canonicalJson, entryHash, GENESIS_HASH, legacyEntryHash } from "@/lib/audit/canonical";

/** The worked example of docs/AUDIT.md: an auditor's own HMAC over the documented string must agree. */
const ENTRY = {
  organizationId: "0b5e3c1a-2f4d-4e8a-9c6b-1d2e3f4a5b6c",
  seq: 7n,
  at: new Date("2026-11-30T09:53:34.991Z"),
  actorId: "5f0c2b7e-8a41-4c3d-9e2f-6b7a8c9d0e1f",
  actorLabel: "admin@kilimani.test",
  ip: "203.0.113.7",
  action: "member.update",
  summary: "Member details edited",
  targetType: "Member",
  targetId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
  before: { phone: null, lastName: "[redacted]" },
  after: { phone: "[set]", lastName: "[changed]" },
};
const BODY =
  '{"action":"member.update","actorId":"5f0c2b7e-8a41-4c3d-9e2f-6b7a8c9d0e1f","actorLabel":"admin@kilimani.test",' +
  '"after":{"lastName":"[changed]","phone":"[set]"},"at":"2026-11-30T09:53:34.991Z","before":{"lastName":"[redacted]","phone":null},' +
  '"ip":"203.0.113.7","organizationId":"0b5e3c1a-2f4d-4e8a-9c6b-1d2e3f4a5b6c","seq":"7","summary":"Member details edited",' +
  '"targetId":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","targetType":"Member"}';

describe("the canonical encoding", () => {
  test("[M5.4] an entry hashes to HMAC-SHA256(audit key, prev_hash ‖ the documented canonical string), and that value is pinned", () => {
    // The documented example key: 32 bytes 0x01…0x20.
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1));
    const byHand = createHmac("sha256", key).update(GENESIS_HASH + BODY).digest("hex");
    expect(entryHash(createSecretKey(key), GENESIS_HASH, ENTRY)).toBe(byHand);
    // Pinned: changing the encoding would orphan every stored chain.
    expect(byHand).toBe("12cd5c575033d07a0c5576241688890ecf83cbfd8cbe8be602f37de3ff460797");
  });

  test("[M5.4] the unkeyed SHA-256 of entries written before the chain was keyed is unchanged (the re-keying step checks old chains with it)", () => {
    const byHand = createHash("sha256").update(GENESIS_HASH + BODY).digest("hex");
    expect(legacyEntryHash(GENESIS_HASH, ENTRY)).toBe(byHand);
    expect(byHand).toBe("8eec8f66cff6d88eb9743c2cade9d47618e41ef9361a226432cdd675299f5b6a");
    const key = createSecretKey(Buffer.alloc(32, 1));
    expect(entryHash(key, GENESIS_HASH, ENTRY)).not.toBe(byHand);
  });

  test("[M5.4] keys sort by code unit at every depth, undefined members drop, Dates encode as JSON does, arrays keep order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: undefined, B: "x" }, "10": true, "9": false })).toBe('{"10":true,"9":false,"a":{"B":"x","d":[3,1]},"b":1}');
    expect(canonicalJson({ when: new Date("2026-01-02T03:04:05.006Z") })).toBe('{"when":"2026-01-02T03:04:05.006Z"}');
    expect(canonicalJson(undefined)).toBe("null");
  });

  test("[M5.4] the hashed body written out field by field is exactly canonicalJson of the twelve hashed members, whatever they hold", () => {
    const key = createSecretKey(Buffer.alloc(32, 9));
    const variants = [
      ENTRY,
      { ...ENTRY, organizationId: null, actorId: null, ip: null, targetType: null, targetId: null, before: null, after: null, seq: 12_345_678_901_234n },
      { ...ENTRY, actorLabel: 'quote " backslash \\ newline \n tab \t é 🎉 \u2028', summary: "</script>", after: { z: [1, { b: 2, a: "ü" }], A: undefined } },
      { ...ENTRY, before: undefined, after: undefined, targetId: undefined } as unknown as typeof ENTRY,
    ];
    for (const entry of variants) {
      const hashed = Object.fromEntries(
        (["organizationId", "seq", "at", "actorId", "actorLabel", "ip", "action", "summary", "targetType", "targetId", "before", "after"] as const).map((k) => [k, entry[k]]),
      );
      const body = canonicalJson({ ...hashed, seq: entry.seq.toString(), before: entry.before ?? null, after: entry.after ?? null });
      expect(entryHash(key, GENESIS_HASH, entry)).toBe(createHmac("sha256", key).update(GENESIS_HASH + body).digest("hex"));
    }
  });
});
