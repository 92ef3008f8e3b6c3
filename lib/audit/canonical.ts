import { createHash } from "node:crypto";

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, arrays in
 * order, `undefined` members dropped. Two equal entries always hash the same.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
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
 * sha256(prev_hash ‖ canonical JSON of exactly the hashed fields). The fields
 * are picked one by one, so a stored row (with its id, prev_hash and hash
 * beside them) hashes the same as the entry did when it was appended.
 */
export function entryHash(prevHash: string, entry: HashedFields): string {
  const body = canonicalJson({
    organizationId: entry.organizationId,
    seq: entry.seq.toString(),
    at: entry.at.toISOString(),
    actorId: entry.actorId,
    actorLabel: entry.actorLabel,
    ip: entry.ip,
    action: entry.action,
    summary: entry.summary,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
  return createHash("sha256").update(prevHash).update(body).digest("hex");
}
