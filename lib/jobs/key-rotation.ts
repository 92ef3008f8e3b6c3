import { computeBlindIndex, INDEX_VERSION_PREFIX } from "../crypto/blind-index";
import { ciphertextKeyId, ciphertextPrefix, decryptField, encryptField, FieldDecryptionError } from "../crypto/cipher";
import { ENCRYPTED_FIELDS, indexFieldName, type EncryptedField } from "../crypto/fields";
import type { Keyring } from "../crypto/keyring";
import { platformSystemActor } from "../authz/actor";
import { ciphertextDbClient } from "../db/clients";
import { runtimeDataModelOf } from "../db/field-encryption-model";
import { withCiphertext, type PlatformTx } from "../db/platform";
import { recordKeyRotation, recordReindex } from "../services/keys";

/**
 * `npm run keys:rotate`: moves every declared encrypted value (ENCRYPTED_FIELDS)
 * that is not under the keyring's current key onto it, model by model, in
 * batches ordered by row id, with the platform role (every organisation) and
 * without the encryption extension (it works on the stored ciphertext).
 *
 * Resumable without any bookkeeping: a row is pending exactly while one of its
 * values has another key id, so a run that is killed loses nothing (its open
 * batch rolls back to the old, still readable ciphertext) and the next run
 * picks up what is left.
 *
 * Safe beside live traffic: each row is written with a compare-and-swap on the
 * ciphertext it was read with, and its `updatedAt` where it has one
 * (`updateMany` where the old values still hold).
 * A row edited in between matches nothing and is left alone: the edit wins,
 * and if it was written under an old key the next pass takes it.
 *
 * With `reindex` the same machinery recomputes the blind indexes instead
 * (`npm run keys:reindex`), each under its row's organisation's index key:
 * "legacy" takes the rows still holding an index in the global pre-v2 form
 * (pending exactly while one is left, so resumable like rotation), "all"
 * reads every row with an indexed value and rewrites the indexes that differ
 * (after BLIND_INDEX_KEY has changed, when no stored value tells).
 */
type Row = Record<string, string | Date | null>;
type Delegate = {
  findMany(args: object): Promise<Row[]>;
  updateMany(args: object): Promise<{ count: number }>;
  count(args: object): Promise<number>;
};

const MODELS = Object.entries(ENCRYPTED_FIELDS) as [string, Record<string, EncryptedField>][];

/**
 * Columns that predate encryption and may still hold plaintext in an old
 * database (their CHECKs are NOT VALID, see the field_encryption migration);
 * `--adopt-plaintext` encrypts them in place.
 */
const PRE_ENCRYPTION = new Set(["Member.email", "Member.phone"]);

const hasField = (model: string, field: string) =>
  runtimeDataModelOf(ciphertextDbClient()).models[model]?.fields.some((f) => f.name === field) ?? false;

/**
 * Prisma bumps `updatedAt` on every update; rotation is not an edit, so it
 * writes the old value back, and only if it still holds: an edit of any other
 * column in between also makes the swap miss.
 */
const hasUpdatedAt = (model: string) => hasField(model, "updatedAt");

function delegate(tx: PlatformTx, model: string): Delegate {
  return (tx as unknown as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)]!;
}

/** Rows holding a value of `field` that is not under `prefix` (nulls have nothing to rotate). */
const notUnder = (field: string, prefix: string) => ({ AND: [{ [field]: { startsWith: "" } }, { NOT: { [field]: { startsWith: prefix } } }] });

const pendingWhere = (fields: string[], keyring: Keyring) => ({ OR: fields.map((f) => notUnder(f, ciphertextPrefix(keyring.currentKeyId))) });

/** Rows with any of `fields` indexed in the legacy (global, unprefixed) form. */
const legacyIndexWhere = (fields: string[]) => ({ OR: fields.map((f) => notUnder(indexFieldName(f), INDEX_VERSION_PREFIX)) });

export type RotationFailure = { model: string; field: string; rowId: string; reason: string; keyId: string | null };

export type RotationReport = {
  /** values re-encrypted by "Model.field" (with `reindex`: indexes rewritten, by "Model.fieldIndex") */
  rotated: Record<string, number>;
  /** with `reindex`: indexes still in the legacy global form when the run ended */
  legacy: number;
  /** rows skipped because they changed between read and write (a concurrent edit won) */
  skipped: number;
  /** values that could not be read: unknown key, tampered, or plaintext without --adopt-plaintext */
  failures: RotationFailure[];
  /** values still not under the current key when the run ended */
  remaining: number;
};

export type RotationOptions = {
  keyring: Keyring;
  batchSize?: number;
  /** encrypt plaintext left in the PRE_ENCRYPTION columns instead of reporting it */
  adoptPlaintext?: boolean;
  /** recompute blind indexes (of rows with a legacy index, or of all rows); ciphertext is left as it is */
  reindex?: "legacy" | "all";
  onProgress?: (progress: { model: string; done: number; total: number }) => void;
};

type RowOutcome = { data: Row; expected: Row; rotated: string[] } | null;

function rowOutcome(model: string, row: Row, data: Row, expected: Row, rotated: string[]): RowOutcome {
  if (rotated.length === 0) return null;
  if (hasUpdatedAt(model)) data.updatedAt = expected.updatedAt = row.updatedAt ?? null;
  return { data, expected, rotated };
}

/** The organisation whose index key the row's blind indexes use (every indexed model has one). */
function rowScope(model: string, row: Row): string {
  if (typeof row.organizationId !== "string") throw new Error(`keys: ${model} row ${String(row.id)} has no organizationId to index under`);
  return row.organizationId;
}

/** The blind indexes of one row that differ from what the keyring computes (for `reindex`). */
export function reindexRow(keyring: Keyring, model: string, row: Row, failures: RotationFailure[]): RowOutcome {
  const data: Row = {};
  const expected: Row = {};
  const rotated: string[] = [];
  for (const [field, spec] of Object.entries(indexedFields(model))) {
    const stored = row[field];
    if (typeof stored !== "string") continue;
    let index: string | null;
    try {
      index = computeBlindIndex(keyring, rowScope(model, row), spec.index!, decryptField(keyring, stored, { model, field, rowId: String(row.id) }));
    } catch (error) {
      if (!(error instanceof FieldDecryptionError)) throw error;
      failures.push({ model, field, rowId: String(row.id), reason: error.reason, keyId: error.keyId });
      continue;
    }
    if (index === row[indexFieldName(field)]) continue;
    data[indexFieldName(field)] = index;
    expected[field] = stored;
    rotated.push(`${model}.${indexFieldName(field)}`);
  }
  return rowOutcome(model, row, data, expected, rotated);
}

const indexedFields = (model: string) =>
  Object.fromEntries(Object.entries(ENCRYPTED_FIELDS[model as keyof typeof ENCRYPTED_FIELDS] as Record<string, EncryptedField>).filter(([, spec]) => spec.index));

/** What to write for one row, or null when it has nothing to rotate; unreadable values go to `failures`. */
export function reencryptRow(keyring: Keyring, model: string, row: Row, options: { adoptPlaintext?: boolean }, failures: RotationFailure[]): RowOutcome {
  const fields = ENCRYPTED_FIELDS[model as keyof typeof ENCRYPTED_FIELDS] as Record<string, EncryptedField>;
  const rowId = String(row.id);
  const data: Row = {};
  const expected: Row = {};
  const rotated: string[] = [];
  for (const [field, spec] of Object.entries(fields)) {
    const stored = row[field];
    if (typeof stored !== "string") continue;
    const keyId = ciphertextKeyId(stored);
    if (keyId === keyring.currentKeyId) continue;
    const context = { model, field, rowId };
    let plaintext: string;
    if (keyId === null && options.adoptPlaintext && PRE_ENCRYPTION.has(`${model}.${field}`)) {
      plaintext = stored;
      if (spec.index) data[indexFieldName(field)] = computeBlindIndex(keyring, rowScope(model, row), spec.index, stored);
    } else {
      try {
        plaintext = decryptField(keyring, stored, context);
      } catch (error) {
        if (!(error instanceof FieldDecryptionError)) throw error;
        failures.push({ model, field, rowId, reason: error.reason, keyId: error.keyId });
        continue;
      }
    }
    data[field] = encryptField(keyring, plaintext, context);
    expected[field] = stored;
    rotated.push(`${model}.${field}`);
  }
  return rowOutcome(model, row, data, expected, rotated);
}

/** Writes one row's new ciphertext only if the row still holds what was read; false when a concurrent edit won. */
export async function swapRow(tx: PlatformTx, model: string, rowId: string, outcome: NonNullable<RowOutcome>): Promise<boolean> {
  const { count } = await delegate(tx, model).updateMany({ where: { id: rowId, ...outcome.expected }, data: outcome.data });
  return count === 1;
}

/** Stored values of each declared field that match `where(field)`, by "Model.field" (every organisation). */
export async function valueCounts(where: (field: string) => object): Promise<Record<string, number>> {
  return withCiphertext(async (tx) => {
    const counts: Record<string, number> = {};
    for (const [model, fields] of MODELS) {
      for (const field of Object.keys(fields)) {
        counts[`${model}.${field}`] = await delegate(tx, model).count({ where: where(field) });
      }
    }
    return counts;
  });
}

/** Values of each declared field not under the current key, by "Model.field". */
export async function pendingCounts(keyring: Keyring): Promise<Record<string, number>> {
  return valueCounts((field) => notUnder(field, ciphertextPrefix(keyring.currentKeyId)));
}

/** Blind indexes still in the legacy global form, by "Model.fieldIndex" (every organisation). */
async function legacyIndexCounts(): Promise<Record<string, number>> {
  return withCiphertext(async (tx) => {
    const counts: Record<string, number> = {};
    for (const [model] of MODELS) {
      for (const field of Object.keys(indexedFields(model))) {
        counts[`${model}.${indexFieldName(field)}`] = await delegate(tx, model).count({ where: notUnder(indexFieldName(field), INDEX_VERSION_PREFIX) });
      }
    }
    return counts;
  });
}

async function rotateModel(model: string, options: RotationOptions, report: RotationReport): Promise<void> {
  const { keyring, batchSize = 500 } = options;
  const fields = Object.keys(options.reindex ? indexedFields(model) : ENCRYPTED_FIELDS[model as keyof typeof ENCRYPTED_FIELDS]);
  if (fields.length === 0) return;
  // Reindexing "all" reads every row with an indexed value: whether its index is current takes the HMAC to tell.
  const where =
    options.reindex === "all" ? { OR: fields.map((f) => ({ [f]: { startsWith: "" } })) } : options.reindex === "legacy" ? legacyIndexWhere(fields) : pendingWhere(fields, keyring);
  const read = [
    ...fields,
    ...(options.reindex ? fields.map(indexFieldName) : []),
    ...(hasField(model, "organizationId") ? ["organizationId"] : []),
    ...(hasUpdatedAt(model) ? ["updatedAt"] : []),
  ];
  const select = Object.fromEntries(["id", ...read].map((f) => [f, true]));
  const total = await withCiphertext((tx) => delegate(tx, model).count({ where }));
  if (total === 0) return;
  let done = 0;
  let after: string | null = null;
  for (;;) {
    // One transaction per batch: a killed run keeps every batch it committed.
    const batch: Row[] = await withCiphertext(async (tx) => {
      const rows = await delegate(tx, model).findMany({
        where: { ...where, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: "asc" },
        take: batchSize,
        select,
      });
      for (const row of rows) {
        const outcome = options.reindex ? reindexRow(keyring, model, row, report.failures) : reencryptRow(keyring, model, row, options, report.failures);
        if (!outcome) continue;
        if (!(await swapRow(tx, model, String(row.id), outcome))) {
          report.skipped++;
          continue;
        }
        for (const key of outcome.rotated) report.rotated[key] = (report.rotated[key] ?? 0) + 1;
      }
      return rows;
    });
    if (batch.length === 0) break;
    after = String(batch.at(-1)!.id);
    done += batch.length;
    options.onProgress?.({ model, done: Math.min(done, total), total });
  }
}

/**
 * One run: a pass over every model, then further passes while the previous
 * one lost rows to concurrent edits (bounded, so a row edited nonstop cannot
 * hold the run forever; it is reported as remaining).
 */
export async function rotateKeys(options: RotationOptions): Promise<RotationReport> {
  const report: RotationReport = { rotated: {}, skipped: 0, failures: [], remaining: 0, legacy: 0 };
  for (let pass = 0; pass < 3; pass++) {
    const skippedBefore = report.skipped;
    report.failures = [];
    for (const [model] of MODELS) await rotateModel(model, options, report);
    if (report.skipped === skippedBefore) break;
  }
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  // A reindexed value that could not be read keeps its stale index; counting them needs no second scan.
  report.remaining = options.reindex ? report.failures.length : sum(await pendingCounts(options.keyring));
  if (options.reindex) report.legacy = sum(await legacyIndexCounts());
  if (sum(report.rotated) > 0) {
    const operator = platformSystemActor(options.reindex ? "keys:reindex" : "keys:rotate", ["platform:keys"]);
    const done = { rotated: report.rotated, remaining: report.remaining };
    await (options.reindex ? recordReindex(operator, { ...done, legacy: report.legacy }) : recordKeyRotation(operator, { ...done, keyId: options.keyring.currentKeyId }));
  }
  return report;
}
