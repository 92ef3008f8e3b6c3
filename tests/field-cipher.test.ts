import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { ciphertextKeyId, decryptField, encryptField, FieldDecryptionError } from "@/lib/crypto/cipher";
import { parseKeyring } from "@/lib/crypto/keyring";

const key = () => randomBytes(32).toString("base64");
const k1 = key();
const keyring = parseKeyring({ FIELD_ENCRYPTION_KEYS: `k1:${k1}`, BLIND_INDEX_KEY: key() });
const at = { model: "Member", field: "nin", rowId: "5f0e7f0c-2a7e-4c55-9d53-9b1c1f7b8c01" };

function failure(stored: string, context = at, ring = keyring) {
  try {
    decryptField(ring, stored, context);
  } catch (error) {
    expect(error).toBeInstanceOf(FieldDecryptionError);
    return (error as FieldDecryptionError).reason;
  }
  throw new Error("decrypted when it should not have");
}

describe("AES-256-GCM field values", () => {
  test("round-trips any text and carries the version and key id", () => {
    for (const value of ["12345678901", "", "Nyumba 4, Kilimani Road\nNairobi — ✓", "x".repeat(2048)]) {
      const stored = encryptField(keyring, value, at);
      expect(stored).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{38,}$/);
      expect(ciphertextKeyId(stored)).toBe("k1");
      expect(decryptField(keyring, stored, at)).toBe(value);
    }
  });

  test("a random IV per value: the same plaintext never gives the same ciphertext", () => {
    const values = new Set(Array.from({ length: 50 }, () => encryptField(keyring, "12345678901", at)));
    expect(values.size).toBe(50);
  });

  test("a flipped byte anywhere in IV, ciphertext or tag fails authentication", () => {
    const stored = encryptField(keyring, "Confidential welfare note", at);
    const [header, body] = [stored.slice(0, stored.lastIndexOf(".") + 1), stored.slice(stored.lastIndexOf(".") + 1)];
    const bytes = Buffer.from(body, "base64url");
    for (const position of [0, 11, 12, bytes.length - 17, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[position]! ^= 0x01;
      expect(failure(header + tampered.toString("base64url"))).toBe("authentication-failed");
    }
  });

  test("a ciphertext moved to another row, column or model does not decrypt", () => {
    const stored = encryptField(keyring, "12345678901", at);
    expect(failure(stored, { ...at, rowId: "0a4e2f1d-8b3c-4d5e-9f60-718293a4b5c6" })).toBe("authentication-failed");
    expect(failure(stored, { ...at, field: "bvn" })).toBe("authentication-failed");
    expect(failure(stored, { ...at, model: "Donor" })).toBe("authentication-failed");
  });

  test("a header relabelled to another key, an unknown key id and malformed values fail", () => {
    const k2 = key();
    const both = parseKeyring({ FIELD_ENCRYPTION_KEYS: `k1:${k1},k2:${k2}`, BLIND_INDEX_KEY: key() });
    const stored = encryptField(keyring, "12345678901", at);
    expect(failure(stored.replace(/^v1\.k1\./, "v1.k2."), at, both)).toBe("authentication-failed");
    expect(failure(stored.replace(/^v1\.k1\./, "v1.k9."))).toBe("unknown-key");
    expect(failure("12345678901")).toBe("malformed");
    expect(failure("v1.k1.c2hvcnQ")).toBe("malformed");
    expect(failure(stored.replace(/^v1\./, "v2."))).toBe("malformed");
  });

  test("the error names the row and field, never the value", () => {
    const stored = encryptField(keyring, "12345678901", at);
    const error = (() => {
      try {
        decryptField(keyring, stored, { ...at, rowId: "another-row" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain("Member.nin of row another-row: authentication-failed (key k1)");
    expect(error?.message).not.toContain("12345678901");
  });
});
