import { protectedFieldNames } from "../crypto/fields";

/**
 * Personal fields never enter the audit trail verbatim: their before/after is
 * recorded as a change marker, so erasing a person leaves the chain whole.
 * Every encrypted field (lib/crypto/fields.ts) and its blind index counts as
 * personal without being listed here.
 */
export const PERSONAL_FIELDS: Record<string, ReadonlySet<string>> = {
  Member: new Set(["firstName", "lastName"]),
  Beneficiary: new Set(["firstName", "lastName"]),
  User: new Set(["email", "name", "passwordHash"]),
};

const personalByModel = new Map<string, ReadonlySet<string>>();

function personalFields(model: string): ReadonlySet<string> {
  let fields = personalByModel.get(model);
  if (!fields) personalByModel.set(model, (fields = new Set([...(PERSONAL_FIELDS[model] ?? []), ...protectedFieldNames(model)])));
  return fields;
}

type Snapshot = Record<string, unknown> | null;

const isEmpty = (v: unknown) => v === null || v === undefined || v === "";

function marker(before: unknown, after: unknown): string | undefined {
  if (isEmpty(before) && isEmpty(after)) return undefined;
  if (isEmpty(before)) return "[set]";
  if (isEmpty(after)) return "[cleared]";
  return JSON.stringify(before) === JSON.stringify(after) ? undefined : "[changed]";
}

function plain(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : typeof value === "bigint" ? value.toString() : value;
}

/** Returns JSON-safe before/after with only changed fields, personal ones masked. */
export function auditDiff(model: string, before: Snapshot, after: Snapshot): { before: Snapshot; after: Snapshot } {
  const personal = personalFields(model);
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of keys) {
    const was = plain(before?.[key]);
    const now = plain(after?.[key]);
    if (personal.has(key)) {
      const mark = marker(was, now);
      if (mark) {
        if (before) b[key] = isEmpty(was) ? null : "[redacted]";
        if (after) a[key] = mark;
      }
    } else if (JSON.stringify(was) !== JSON.stringify(now)) {
      if (before) b[key] = was ?? null;
      if (after) a[key] = now ?? null;
    }
  }
  return { before: before ? b : null, after: after ? a : null };
}
