import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { computeBlindIndex } from "@/lib/crypto/blind-index";
import { parseKeyring } from "@/lib/crypto/keyring";
import { normalizeForIndex, normalizePhone } from "@/lib/crypto/normalize";

const key = () => randomBytes(32).toString("base64");
const keyring = parseKeyring({ FIELD_ENCRYPTION_KEYS: `k1:${key()}`, BLIND_INDEX_KEY: key() });

describe("blind indexes", () => {
  test("a NIN or BVN typed with spaces or dashes has the index of its digits", () => {
    const index = computeBlindIndex(keyring, "nin", "12345678901");
    expect(index).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const typed of ["123 4567 8901", "123-4567-8901", " 1234 567-8901 "]) {
      expect(computeBlindIndex(keyring, "nin", typed)).toBe(index);
    }
  });

  test("phones normalise to E.164; emails to lower case", () => {
    expect(normalizePhone("+254 (712) 345-678")).toBe("+254712345678");
    expect(normalizePhone("00254712345678")).toBe("+254712345678");
    expect(normalizePhone("0712 345678")).toBeNull();
    expect(computeBlindIndex(keyring, "phone", "+254 712 345 678")).toBe(computeBlindIndex(keyring, "phone", "00254712345678"));
    expect(computeBlindIndex(keyring, "email", " Wanjiru@Example.ORG ")).toBe(computeBlindIndex(keyring, "email", "wanjiru@example.org"));
    expect(normalizeForIndex("mpesa-receipt", " qgh12abc34 ")).toBe("QGH12ABC34");
  });

  test("kinds are separated: the same digits as NIN and as BVN index differently", () => {
    expect(computeBlindIndex(keyring, "nin", "12345678901")).not.toBe(computeBlindIndex(keyring, "bvn", "12345678901"));
  });

  test("the index depends on BLIND_INDEX_KEY, and values with no canonical form have none", () => {
    const other = parseKeyring({ FIELD_ENCRYPTION_KEYS: `k1:${key()}`, BLIND_INDEX_KEY: key() });
    expect(computeBlindIndex(other, "nin", "12345678901")).not.toBe(computeBlindIndex(keyring, "nin", "12345678901"));
    expect(computeBlindIndex(keyring, "nin", "--")).toBeNull();
    expect(computeBlindIndex(keyring, "phone", "12")).toBeNull();
  });
});
