import { decryptField, FieldDecryptionError } from "../crypto/cipher";
import type { Keyring } from "../crypto/keyring";
import { logEvent } from "../log";
import type { SchemaMap } from "./field-encryption-model";

/**
 * The read half of field encryption: before the query, follow its
 * select/include tree and make sure every level that returns an encrypted field
 * also returns the row id (the associated data); after it, decrypt those
 * fields in place — eagerly, so a tampered value fails the query itself — and
 * drop ids the caller did not ask for. Results stay plain objects.
 */
type Row = Record<string, unknown>;

export type ReadPlan = { decrypt: string[]; stripId: boolean; nested: Record<string, [model: string, plan: ReadPlan]> };

const isObject = (v: unknown): v is Row => v !== null && typeof v === "object" && !Array.isArray(v);

export function planRead(schema: SchemaMap, model: string, args: Row): [Row, ReadPlan | null] {
  if (!schema.reaching.has(model)) return [args, null];
  const select = isObject(args.select) ? args.select : undefined;
  const include = isObject(args.include) ? args.include : undefined;
  const omit = isObject(args.omit) ? args.omit : {};
  const fields = Object.keys(schema.fieldsOf(model));
  const decrypt = select ? fields.filter((f) => select[f]) : fields.filter((f) => !omit[f]);

  let next = args;
  let stripId = false;
  if (decrypt.length > 0 && select && !select.id) [next, stripId] = [{ ...args, select: { ...select, id: true } }, true];
  if (decrypt.length > 0 && !select && omit.id) [next, stripId] = [{ ...args, omit: { ...omit, id: false } }, true];

  const nested: ReadPlan["nested"] = {};
  const key = select ? "select" : include ? "include" : undefined;
  if (key) {
    const selection = next[key] as Row;
    let rewritten: Row | undefined;
    for (const [name, value] of Object.entries(selection)) {
      const target = schema.relations.get(model)?.[name];
      if (!target || !value) continue;
      const [innerArgs, innerPlan] = planRead(schema, target, isObject(value) ? value : {});
      if (!innerPlan) continue;
      nested[name] = [target, innerPlan];
      if (isObject(value) && innerArgs !== value) (rewritten ??= { ...selection })[name] = innerArgs;
    }
    if (rewritten) next = { ...next, [key]: rewritten };
  }
  return decrypt.length > 0 || Object.keys(nested).length > 0 ? [next, { decrypt, stripId, nested }] : [args, null];
}

function open(keyring: Keyring, model: string, field: string, row: Row): string | null {
  const stored = row[field];
  if (stored === null || stored === undefined) return null;
  const context = { model, field, rowId: String(row.id) };
  try {
    return decryptField(keyring, String(stored), context);
  } catch (error) {
    if (error instanceof FieldDecryptionError) {
      logEvent("error", "field decryption failed", { ...context, keyId: error.keyId, reason: error.reason });
    }
    throw error;
  }
}

export function applyRead(keyring: Keyring, model: string, plan: ReadPlan, result: unknown): void {
  if (Array.isArray(result)) {
    for (const item of result) applyRead(keyring, model, plan, item);
    return;
  }
  if (!isObject(result)) return;
  for (const field of plan.decrypt) if (field in result) result[field] = open(keyring, model, field, result);
  for (const [name, [target, inner]] of Object.entries(plan.nested)) applyRead(keyring, target, inner, result[name]);
  if (plan.stripId) delete result.id;
}
