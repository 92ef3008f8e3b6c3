import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { computeBlindIndex, legacyBlindIndex, PLATFORM_INDEX_SCOPE } from "@/lib/crypto/blind-index";
import { parseKeyring } from "@/lib/crypto/keyring";
import { INDEX_KINDS, normalizeForIndex, normalizePhone } from "@/lib/crypto/normalize";

const key = () => randomBytes(32).toString("base64");
const keyring = parseKeyring({ FIELD_ENCRYPTION_KEYS: `k1:${key()}`, BLIND_INDEX_KEY: key() });
const ORG_A = randomUUID();
const ORG_B = randomUUID();
const SAMPLES = { nin: "12345678901", bvn: "22198765432", phone: "+254712345678", email: "wanjiru@example.org", "mpesa-receipt": "QGH12ABC34" } as const;

describe("blind indexes", () => {
  test("a NIN or BVN typed with spaces or dashes has the index of its digits", () => {
    const index = computeBlindIndex(keyring, ORG_A, "nin", "12345678901");
    expect(index).toMatch(/^v2\.[A-Za-z0-9_-]{43}$/);
    for (const typed of ["123 4567 8901", "123-4567-8901", " 1234 567-8901 "]) {
      expect(computeBlindIndex(keyring, ORG_A, "nin", typed)).toBe(index);
    }
  });

  test("phones normalise to E.164; emails to lower case", () => {
    expect(normalizePhone("+254 (712) 345-678")).toBe("+254712345678");
    expect(normalizePhone("00254712345678")).toBe("+254712345678");
    expect(normalizePhone("0712 345678")).toBeNull();
    expect(computeBlindIndex(keyring, ORG_A, "phone", "+254 712 345 678")).toBe(computeBlindIndex(keyring, ORG_A, "phone", "00254712345678"));
    expect(computeBlindIndex(keyring, ORG_A, "email", " Wanjiru@Example.ORG ")).toBe(computeBlindIndex(keyring, ORG_A, "email", "wanjiru@example.org"));
    expect(normalizeForIndex("mpesa-receipt", " qgh12abc34 ")).toBe("QGH12ABC34");
  });

  test("[M2.4] kinds are separated within an organisation: the same digits as NIN and as BVN index differently", () => {
    expect(computeBlindIndex(keyring, ORG_A, "nin", "12345678901")).not.toBe(computeBlindIndex(keyring, ORG_A, "bvn", "12345678901"));
  });

  test("[M2.4] [M4.2] the same value of every kind indexes differently in two organisations, and the same in one (any case of its id)", () => {
    for (const kind of INDEX_KINDS) {
      const a = computeBlindIndex(keyring, ORG_A, kind, SAMPLES[kind]);
      expect(computeBlindIndex(keyring, ORG_A, kind, SAMPLES[kind])).toBe(a);
      expect(computeBlindIndex(keyring, ORG_A.toUpperCase(), kind, SAMPLES[kind])).toBe(a);
      expect(computeBlindIndex(keyring, ORG_B, kind, SAMPLES[kind])).not.toBe(a);
      expect(computeBlindIndex(keyring, PLATFORM_INDEX_SCOPE, kind, SAMPLES[kind])).not.toBe(a);
      // Nor does the new form repeat the legacy global index it replaces.
      expect(a!.slice(3)).not.toBe(legacyBlindIndex(keyring, kind, SAMPLES[kind]));
    }
  });

  test("a scope that is neither an organisation id nor the platform's is refused, not indexed under a wrong key", () => {
    for (const scope of ["", "kilimani", `${ORG_A}x`]) expect(() => computeBlindIndex(keyring, scope, "nin", "12345678901")).toThrow(/scope must be an organisation id/);
  });

  test("the index depends on BLIND_INDEX_KEY, and values with no canonical form have none", () => {
    const other = parseKeyring({ FIELD_ENCRYPTION_KEYS: `k1:${key()}`, BLIND_INDEX_KEY: key() });
    expect(computeBlindIndex(other, ORG_A, "nin", "12345678901")).not.toBe(computeBlindIndex(keyring, ORG_A, "nin", "12345678901"));
    expect(computeBlindIndex(keyring, ORG_A, "nin", "--")).toBeNull();
    expect(computeBlindIndex(keyring, ORG_A, "phone", "12")).toBeNull();
    expect(legacyBlindIndex(keyring, "phone", "12")).toBeNull();
  });

  test("the legacy form is the one global HMAC the database held before v2: kind ‖ NUL ‖ normalised value under BLIND_INDEX_KEY", () => {
    const expected = createHmac("sha256", keyring.blindIndexKey).update("nin\u000012345678901", "utf8").digest("base64url");
    expect(legacyBlindIndex(keyring, "nin", "123-4567-8901")).toBe(expected);
  });
});
