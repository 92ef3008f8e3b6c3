/**
 * A donor receipt's number: the organisation's prefix, the year and the
 * receipt's place in that year, e.g. `KIL-2026-000123`. The prefix is the
 * first three letters of the slug (digits when it has too few letters), so
 * it is stable for the organisation and readable on paper.
 */
export function receiptPrefix(slug: string): string {
  const letters = slug.replace(/[^a-z]/gi, "");
  const source = letters.length >= 3 ? letters : slug.replace(/[^a-z0-9]/gi, "");
  return source.slice(0, 3).toUpperCase().padEnd(3, "X");
}

export function receiptNumber(slug: string, year: number, seq: number): string {
  if (!Number.isInteger(seq) || seq <= 0) throw new RangeError(`A receipt's number is a whole number above 0: ${seq}`);
  return `${receiptPrefix(slug)}-${year}-${String(seq).padStart(6, "0")}`;
}
