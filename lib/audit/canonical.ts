import { createHash, createHmac, type KeyObject } from "node:crypto";

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, arrays in
 * order, `undefined` members dropped, and anything with a `toJSON` (a Date)
 * encoded as JSON.stringify — so as PostgreSQL stores it — would encode it.
 * Two equal entries always hash the same.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  // Array.prototype.sort's default order compares UTF-16 code units.
  let out = "";
  for (const key of Object.keys(record).sort()) {
    if (record[key] === undefined) continue;
    out += `${out ? "," : ""}${JSON.stringify(key)}:${canonicalJson(record[key])}`;
  }
  return `{${out}}`;
}

export const GENESIS_HASH = "0".repeat(64);

export type HashedFields = {
  organizationId: string | null;
  seq: bigint;
  at: Date;
  actorId: string | null;
  actorLabel: string;
  ip: string | null;
  action: string;
  summary: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
};

/**
 * The canonical JSON of exactly the hashed fields: the same string
 * canonicalJson gives for an object of those twelve members (tests pin it),
 * written out in canonical (code-unit) key order so that verifying a million
 * entries sorts and copies nothing per entry. The fields are picked one by
 * one, so a stored row (with its id, key id, prev_hash and hash beside them)
 * hashes the same as the entry did when it was appended.
 */
function entryBody(e: HashedFields): string {
  const body =
    member("action", e.action) +
    member("actorId", e.actorId) +
    member("actorLabel", e.actorLabel) +
    `,"after":${canonicalJson(e.after ?? null)}` +
    `,"at":"${e.at.toISOString()}"` +
    `,"before":${canonicalJson(e.before ?? null)}` +
    member("ip", e.ip) +
    member("organizationId", e.organizationId) +
    `,"seq":"${e.seq.toString()}"` +
    member("summary", e.summary) +
    member("targetId", e.targetId) +
    member("targetType", e.targetType);
  return `{${body.slice(1)}}`;
}

/** One string-or-null member, dropped when undefined as canonicalJson drops it. */
const member = (key: string, value: string | null | undefined) => (value === undefined ? "" : `,"${key}":${JSON.stringify(value)}`);

/**
 * HMAC-SHA256 under the audit key of prev_hash ‖ canonical entry: without the
 * key (it lives in the environment, never in the database) nobody can compute
 * the hash of an edited or invented entry, nor re-link the entries after it.
 */
export function entryHash(key: KeyObject, prevHash: string, entry: HashedFields): string {
  return createHmac("sha256", key).update(prevHash).update(entryBody(entry)).digest("hex");
}

/**
 * The unkeyed hash entries had before the chain was keyed: sha256(prev_hash ‖
 * canonical entry). Only the re-keying step (scripts/lib/audit-rekey.ts) still
 * accepts it, to check an old chain before re-hashing it.
 */
export function legacyEntryHash(prevHash: string, entry: HashedFields): string {
  return createHash("sha256").update(prevHash).update(entryBody(entry)).digest("hex");
}
