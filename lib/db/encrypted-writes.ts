import { randomUUID } from "node:crypto";
import { computeBlindIndex } from "../crypto/blind-index";
import { encryptField } from "../crypto/cipher";
import { indexFieldName } from "../crypto/fields";
import type { Keyring } from "../crypto/keyring";
import { FieldEncryptionUsageError, type Fields, type SchemaMap } from "./field-encryption-model";

/**
 * The write half of field encryption: every declared field in `data` becomes
 * ciphertext bound to (model, field, row id), and its blind index is set.
 * What cannot be done safely is refused: filters on encrypted fields (they
 * could never match), bulk updates (no row ids), nested writes into an
 * encrypted model (write it through its own delegate).
 */
type Row = Record<string, unknown>;

const isObject = (v: unknown): v is Row => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);

function plainValue(model: string, field: string, value: unknown): string | null {
  const raw = isObject(value) && "set" in value ? value.set : value;
  if (raw === null || typeof raw === "string") return raw;
  throw new FieldEncryptionUsageError(`${model}.${field} is encrypted: write a string or null`);
}

/**
 * The organisation whose index key a row's blind indexes use: `organizationId`
 * in the data of a create, in the `where` of an update. An update naming the
 * wrong organisation matches no row, so the id cannot index a row under
 * another organisation's key.
 */
function indexScopeOf(model: string, source: unknown): string {
  if (isObject(source) && typeof source.organizationId === "string") return source.organizationId;
  throw new FieldEncryptionUsageError(`${model}: writing a blind-indexed field needs organizationId (in \`data\` to create, in \`where\` to update)`);
}

function sealRow(keyring: Keyring, model: string, fields: Fields, data: Row, rowId: string, scopeSource: unknown): Row {
  const sealed: Row = { ...data };
  for (const [field, spec] of Object.entries(fields)) {
    if (spec.index && indexFieldName(field) in data) {
      throw new FieldEncryptionUsageError(`${model}.${indexFieldName(field)} is derived from ${field}; write ${field} instead`);
    }
    if (data[field] === undefined) continue;
    const value = plainValue(model, field, data[field]);
    sealed[field] = value === null ? null : encryptField(keyring, value, { model, field, rowId });
    if (spec.index) sealed[indexFieldName(field)] = value === null ? null : computeBlindIndex(keyring, indexScopeOf(model, scopeSource), spec.index, value);
  }
  return sealed;
}

const touches = (fields: Fields, data: unknown) =>
  isObject(data) && Object.keys(fields).some((f) => data[f] !== undefined || (fields[f]!.index && indexFieldName(f) in data));

function sealCreate(keyring: Keyring, model: string, fields: Fields, data: Row): Row {
  if (!touches(fields, data)) return data;
  // The row id is part of the associated data, so it is fixed before encrypting.
  const id = typeof data.id === "string" ? data.id : randomUUID();
  return sealRow(keyring, model, fields, { ...data, id }, id, data);
}

function rowIdOf(model: string, where: unknown): string {
  if (isObject(where) && typeof where.id === "string") return where.id;
  throw new FieldEncryptionUsageError(`${model}: writing an encrypted field needs the row id in \`where\``);
}

function guardWhere(model: string, fields: Fields, where: unknown): void {
  if (!isObject(where)) return;
  for (const [key, value] of Object.entries(where)) {
    if (key in fields) {
      const hint = fields[key]!.index ? `filter on ${indexFieldName(key)} (blind index)` : "it cannot be filtered on";
      throw new FieldEncryptionUsageError(`${model}.${key} is encrypted: ${hint}`);
    }
    if (key === "AND" || key === "OR" || key === "NOT") {
      for (const inner of Array.isArray(value) ? value : [value]) guardWhere(model, fields, inner);
    }
  }
}

const NESTED_WRITES = ["create", "createMany", "connectOrCreate", "update", "updateMany", "upsert"];

function guardNestedWrites(schema: SchemaMap, model: string, data: unknown): void {
  for (const row of Array.isArray(data) ? data : [data]) {
    if (!isObject(row)) continue;
    for (const [name, value] of Object.entries(row)) {
      const target = schema.relations.get(model)?.[name];
      if (!target || !schema.reaching.has(target) || !isObject(value)) continue;
      for (const op of NESTED_WRITES.filter((op) => value[op] !== undefined)) {
        if (Object.keys(schema.fieldsOf(target)).length > 0) {
          throw new FieldEncryptionUsageError(`${model}.${name}: write ${target} (encrypted fields) through its own delegate, not nested`);
        }
        guardNestedWrites(schema, target, value[op]);
      }
    }
  }
}

/** The args to send instead, for one operation on `model`. */
export function sealWriteArgs(keyring: Keyring, schema: SchemaMap, model: string, operation: string, args: Row): Row {
  const fields = schema.fieldsOf(model);
  guardWhere(model, fields, args.where);
  for (const key of ["data", "create", "update"]) if (args[key] !== undefined) guardNestedWrites(schema, model, args[key]);
  switch (operation) {
    case "create":
      return { ...args, data: sealCreate(keyring, model, fields, args.data as Row) };
    case "createMany":
    case "createManyAndReturn":
      return { ...args, data: (Array.isArray(args.data) ? args.data : [args.data]).map((row: Row) => sealCreate(keyring, model, fields, row)) };
    case "update":
      if (!touches(fields, args.data)) return args;
      return { ...args, data: sealRow(keyring, model, fields, args.data as Row, rowIdOf(model, args.where), args.where) };
    case "upsert":
      return {
        ...args,
        create: sealCreate(keyring, model, fields, args.create as Row),
        update: touches(fields, args.update) ? sealRow(keyring, model, fields, args.update as Row, rowIdOf(model, args.where), args.where) : args.update,
      };
    case "updateMany":
    case "updateManyAndReturn":
      if (touches(fields, args.data)) {
        throw new FieldEncryptionUsageError(`${model}: encrypted fields are written row by row (update), not with ${operation}`);
      }
      return args;
    default:
      return args;
  }
}
