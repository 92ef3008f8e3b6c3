import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Keyring } from "./keyring";

/**
 * AES-256-GCM for one field value. Stored form:
 *
 *   v1.<key id>.<base64url(iv ‖ ciphertext ‖ tag)>
 *
 * with a random 96-bit IV per value. The associated data binds the header, the
 * model, the column and the row id, so a ciphertext copied to another row or
 * column, or a header pointing at another key, fails authentication instead of
 * decrypting to someone else's value.
 */
export type FieldContext = { model: string; field: string; rowId: string };

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const STORED = /^v1\.([A-Za-z0-9-]{1,32})\.([A-Za-z0-9_-]+)$/;

export type DecryptionFailure = "malformed" | "unknown-key" | "authentication-failed";

/** Carries where and why, never the value. */
export class FieldDecryptionError extends Error {
  constructor(
    readonly reason: DecryptionFailure,
    readonly context: FieldContext,
    readonly keyId: string | null,
  ) {
    super(`Cannot decrypt ${context.model}.${context.field} of row ${context.rowId}: ${reason}${keyId ? ` (key ${keyId})` : ""}`);
    this.name = "FieldDecryptionError";
  }
}

function associatedData(header: string, context: FieldContext): Buffer {
  return Buffer.from(`${header}|${context.model}.${context.field}|${context.rowId}`, "utf8");
}

/** The key id of a stored value, or null when it is not in our ciphertext format. */
export function ciphertextKeyId(stored: string): string | null {
  return STORED.exec(stored)?.[1] ?? null;
}

/** The prefix every value encrypted under `keyId` starts with (for counting and rotation). */
export function ciphertextPrefix(keyId: string): string {
  return `${VERSION}.${keyId}.`;
}

export function encryptField(keyring: Keyring, plaintext: string, context: FieldContext): string {
  const keyId = keyring.currentKeyId;
  const header = `${VERSION}.${keyId}`;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyring.keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(header, context));
  const body = Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${header}.${body.toString("base64url")}`;
}

/** Decrypts or throws FieldDecryptionError; never returns unauthenticated bytes. */
export function decryptField(keyring: Keyring, stored: string, context: FieldContext): string {
  const match = STORED.exec(stored);
  if (!match) throw new FieldDecryptionError("malformed", context, null);
  const [, keyId, encoded] = match as unknown as [string, string, string];
  const key = keyring.keys.get(keyId);
  if (!key) throw new FieldDecryptionError("unknown-key", context, keyId);
  const body = Buffer.from(encoded, "base64url");
  if (body.length < IV_BYTES + TAG_BYTES) throw new FieldDecryptionError("malformed", context, keyId);
  const decipher = createDecipheriv("aes-256-gcm", key, body.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(`${VERSION}.${keyId}`, context));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new FieldDecryptionError("authentication-failed", context, keyId);
  }
}
