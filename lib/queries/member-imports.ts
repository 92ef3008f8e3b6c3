import type { Actor } from "../authz/actor";
import { scope } from "../authz/scope";
import { computeBlindIndex, legacyBlindIndex } from "../crypto/blind-index";
import { withTenant, type TenantTx } from "../db/tenant";
import { env } from "../env";
import type { MemberFields } from "../schemas/members";

/** One finding of the members CSV import: its row as a spreadsheet numbers it, its column, what is wrong. */
export type RowIssue = { row: number; field: string; message: string };
export type ImportRow = MemberFields & { row: number };

const IDENTIFIERS = ["email", "phone", "nin", "bvn"] as const;
type Identifier = (typeof IDENTIFIERS)[number];
const LABEL: Record<Identifier, string> = { email: "email", phone: "phone number", nin: "NIN", bvn: "BVN" };
const INDEX_COLUMN = { email: "emailIndex", phone: "phoneIndex", nin: "ninIndex", bvn: "bvnIndex" } as const;

/** Index values per lookup of existing members. */
const LOOKUP = 1_000;

/** A row's identifiers as the blind index stores them: this organisation's form first, then the legacy global one. */
function indexesOf(organizationId: string, row: ImportRow): Partial<Record<Identifier, [string, string]>> {
  const { keyring } = env();
  const found: Partial<Record<Identifier, [string, string]>> = {};
  for (const field of IDENTIFIERS) {
    const value = row[field];
    const current = value ? computeBlindIndex(keyring, organizationId, field, value) : null;
    if (current) found[field] = [current, legacyBlindIndex(keyring, field, value!)!];
  }
  return found;
}

/**
 * The duplicates among `rows`, by row number: a row sharing an identifier
 * with an existing member of the organisation, or with an earlier row of the
 * file that is itself imported.
 */
export async function findDuplicates(tx: TenantTx, actor: Actor, rows: ImportRow[]): Promise<Map<number, RowIssue>> {
  const where = scope(actor, "member");
  const indexes = rows.map((row) => indexesOf(actor.organizationId, row));
  const existing = Object.fromEntries(IDENTIFIERS.map((f) => [f, new Set<string>()])) as Record<Identifier, Set<string>>;
  for (const field of IDENTIFIERS) {
    const values = [...new Set(indexes.flatMap((i) => i[field] ?? []))];
    for (let start = 0; start < values.length; start += LOOKUP) {
      const found = await tx.member.findMany({
        where: { ...where, [INDEX_COLUMN[field]]: { in: values.slice(start, start + LOOKUP) } },
        select: { emailIndex: true, phoneIndex: true, ninIndex: true, bvnIndex: true },
      });
      for (const member of found) existing[field].add(member[INDEX_COLUMN[field]]!);
    }
  }
  const duplicates = new Map<number, RowIssue>();
  const seen = Object.fromEntries(IDENTIFIERS.map((f) => [f, new Map<string, number>()])) as Record<Identifier, Map<string, number>>;
  rows.forEach((row, i) => {
    const mine = Object.entries(indexes[i]) as [Identifier, [string, string]][];
    const known = mine.find(([field, forms]) => forms.some((f) => existing[field].has(f)));
    const repeat = known ? undefined : mine.find(([field, [current]]) => seen[field].has(current));
    if (known) duplicates.set(row.row, { row: row.row, field: known[0], message: `Already a member with this ${LABEL[known[0]]}` });
    else if (repeat) duplicates.set(row.row, { row: row.row, field: repeat[0], message: `Same ${LABEL[repeat[0]]} as row ${seen[repeat[0]].get(repeat[1][0])}` });
    else for (const [field, [current]] of mine) seen[field].set(current, row.row);
  });
  return duplicates;
}


/** The duplicates the preview reports: as `findDuplicates`, in a read of its own (the commit checks again under its lock). */
export async function readDuplicates(actor: Actor, rows: ImportRow[]): Promise<Map<number, RowIssue>> {
  return withTenant(actor.organizationId, (tx) => findDuplicates(tx, actor, rows));
}
