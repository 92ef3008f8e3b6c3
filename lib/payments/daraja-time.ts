/**
 * Daraja's timestamps: YYYYMMDDHHmmss on Nairobi's wall clock, which is UTC+3
 * all year (Kenya has no daylight saving).
 */
const NAIROBI_OFFSET_MS = 3 * 60 * 60 * 1000;

export function nairobiTimestamp(at: Date = new Date()): string {
  return new Date(at.getTime() + NAIROBI_OFFSET_MS).toISOString().replace(/\D/g, "").slice(0, 14);
}

/** The moment a Daraja timestamp names; null when it names none (not 14 digits, or a 30 February). */
export function fromNairobiTimestamp(timestamp: string): Date | null {
  const parts = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(timestamp);
  if (!parts) return null;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second) - NAIROBI_OFFSET_MS);
  return nairobiTimestamp(date) === timestamp ? date : null;
}
