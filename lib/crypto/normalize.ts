/**
 * The canonical forms of searchable identifiers, shared by input validation
 * (what is stored) and blind indexes (what is matched).
 */
export const INDEX_KINDS = ["nin", "bvn", "phone", "email", "mpesa-receipt"] as const;
export type IndexKind = (typeof INDEX_KINDS)[number];

export const digitsOnly = (value: string) => value.replace(/\D/g, "");

/**
 * E.164 (+ and 8–15 digits) from what people type: spaces, dashes, dots and
 * brackets dropped, a leading 00 read as +. Without a country code there is no
 * telling which country a number is from, so it is not a phone number here.
 */
export function normalizePhone(value: string): string | null {
  const compact = value.trim().replace(/[\s().-]/g, "").replace(/^00/, "+");
  return /^\+[1-9]\d{7,14}$/.test(compact) ? compact : null;
}

export const normalizeEmail = (value: string) => value.trim().toLowerCase();

/** The form a blind index is computed over; null when the value has none. */
export function normalizeForIndex(kind: IndexKind, value: string): string | null {
  switch (kind) {
    case "nin":
    case "bvn":
      return digitsOnly(value) || null;
    case "phone":
      return normalizePhone(value);
    case "email":
      return normalizeEmail(value) || null;
    case "mpesa-receipt":
      return value.trim().toUpperCase().replace(/\s/g, "") || null;
  }
}
