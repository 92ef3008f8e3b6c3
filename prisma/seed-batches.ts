import { systemActor, type Actor } from "../lib/authz/actor";
import { withTenant } from "../lib/db/tenant";
import { runBatchImport } from "../lib/jobs/batch-imports";
import { BATCH_COLUMNS } from "../lib/schemas/batches";
import { importBatchChunk, purgeBatch, queueBatch, uploadBatch } from "../lib/services/batches";
import { objectStore } from "../lib/storage";

/**
 * Beneficiary batch files as field teams send them: the template's header,
 * then one row per person with unique NINs (a prefix keeps files apart), and
 * every `badEvery`-th row broken in one of the ways the report names. Used by
 * the demo seed, the tests and the browser journey.
 */
export type BatchFile = { csv: string; valid: number; bad: number };

const BAD_ROWS: ((cells: string[]) => void)[] = [
  (c) => (c[3] = c[3]!.slice(0, 10)), // NIN of 10 digits
  (c) => (c[5] = "12345"), // not a phone number
  (c) => (c[6] = "2023-02-30"), // not a real date
  (c) => (c[0] = ""), // first name missing
  (c) => (c[4] = "2233A445566"), // BVN with a letter
];

export function beneficiaryRows(count: number, options: { prefix: number; bad?: number; firstNames?: string[] }): string[][] {
  const bad = options.bad ?? 0;
  const badEvery = bad > 0 ? Math.floor(count / bad) : 0;
  const names = options.firstNames ?? ["Adaeze", "Bola", "Chinedu", "Damilola", "Emeka", "Funmi", "Gbenga", "Halima"];
  const rows: string[][] = [];
  let broken = 0;
  for (let i = 0; i < count; i++) {
    const serial = String(i).padStart(6, "0");
    const cells = [
      names[i % names.length]!,
      `Okafor-${serial}`,
      String((i % 7) + 1),
      // Spaces and dashes in every third NIN: the import normalises them.
      i % 3 === 0 ? `${options.prefix}${serial.slice(0, 3)}-${serial.slice(3)}`.replace(/^(\d{3})/, "$1 ") : `${options.prefix}${serial}`,
      `${serial}${options.prefix}`,
      `0803${String(i).padStart(7, "0")}`,
      `19${String(50 + (i % 50)).padStart(2, "0")}-0${(i % 9) + 1}-1${i % 9}`,
    ];
    if (badEvery && broken < bad && i % badEvery === badEvery - 1) {
      BAD_ROWS[broken % BAD_ROWS.length]!(cells);
      broken++;
    }
    rows.push(cells);
  }
  return rows;
}

const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

export function toCsv(rows: string[][], header: readonly string[] = BATCH_COLUMNS): string {
  return [header, ...rows].map((r) => r.map(quote).join(",")).join("\r\n") + "\r\n";
}

/** A file of `count` people, `bad` of them broken; `prefix` (5 digits) keeps its NINs apart from other files'. */
export function beneficiaryFile(count: number, options: { prefix: number; bad?: number }): BatchFile {
  const bad = options.bad ?? 0;
  return { csv: toCsv(beneficiaryRows(count, options)), valid: count - bad, bad };
}

/**
 * The demo's batches in one location: one processed and purged, one awaiting
 * review with rejected rows, one in progress (its first chunk imported; the
 * worker's resume job finishes it once `npm start` runs).
 */
export async function seedBatches(uploader: Actor, locationId: string): Promise<void> {
  const system = systemActor(uploader.organizationId, "beneficiary batch import", ["batches:manage"]);
  const upload = (name: string, file: BatchFile) => uploadBatch(uploader, { locationId, fileName: name, body: Buffer.from(file.csv) });

  const done = await upload("ikeja-march-registrations.csv", beneficiaryFile(40, { prefix: 71000, bad: 2 }));
  await queueBatch(uploader, { id: done.id });
  await runBatchImport({ batchId: done.id, organizationId: uploader.organizationId });
  const { objectKey } = await withTenant(uploader.organizationId, (tx) => tx.beneficiaryBatch.findUniqueOrThrow({ where: { id: done.id }, select: { objectKey: true } }));
  if (objectKey) await objectStore().remove(objectKey);
  await purgeBatch(system, { id: done.id });

  await upload("ikeja-april-registrations.csv", beneficiaryFile(60, { prefix: 72000, bad: 6 }));

  const running = await upload("ikeja-may-registrations.csv", beneficiaryFile(600, { prefix: 73000, bad: 10 }));
  await queueBatch(uploader, { id: running.id });
  await importBatchChunk(system, { id: running.id });
}

/** One small batch awaiting review: what a club running a project (kilimani's water project) would have. */
export async function seedReviewBatch(uploader: Actor, locationId: string): Promise<void> {
  await uploadBatch(uploader, { locationId, fileName: "kibera-households.csv", body: Buffer.from(beneficiaryFile(12, { prefix: 74000, bad: 1 }).csv) });
}
