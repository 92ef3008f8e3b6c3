/**
 * Money as whole minor units (cents; shillings for UGX, which has none; fils
 * for BHD, a thousandth). Amounts cross this module as integers and as
 * decimal text, never as floats: 0.29 is not exactly representable, 29 is.
 * How many decimals a currency has comes from Intl (ISO 4217), not a table.
 */
export const CURRENCIES = ["KES", "UGX", "TZS", "NGN", "USD", "EUR", "GBP"] as const;
export type Currency = (typeof CURRENCIES)[number];

export const CURRENCY_NAMES: Record<Currency, string> = {
  KES: "Kenyan shilling",
  UGX: "Ugandan shilling",
  TZS: "Tanzanian shilling",
  NGN: "Nigerian naira",
  USD: "US dollar",
  EUR: "Euro",
  GBP: "Pound sterling",
};

/** The most an amount may be, in minor units: far inside Number's exact integers, and more than any club's dues. */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;

/** Decimal places of the currency's minor unit: 2 for KES, 0 for UGX, 3 for BHD. Throws on an unknown code. */
export function minorUnitDigits(currency: string): number {
  // Always set for a currency format; the types leave it optional.
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 0;
}

/** "1200.50" from 120050 KES: the amount in the major unit as decimal text (for exports). Throws on a fractional or unsafe amount. */
export function moneyDecimal(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Money is a whole number of minor units: ${minor}`);
  const digits = minorUnitDigits(currency);
  const whole = String(Math.abs(minor)).padStart(digits + 1, "0");
  return `${minor < 0 ? "-" : ""}${digits === 0 ? whole : `${whole.slice(0, -digits)}.${whole.slice(-digits)}`}`;
}

/** "Ksh 1,200.50" from 120050 KES. Throws on a fractional or unsafe amount. */
export function formatMoney(minor: number, currency: string, locale = "en-KE"): string {
  // Intl formats decimal text exactly, so no division (and no float) stands between the integer and the page.
  const text = moneyDecimal(minor, currency) as Intl.StringNumericLiteral;
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(text);
}

const DIGITS = /^\d+$/;
const GROUP = /^\d{3}$/;

/** "1,200" → "1200"; null when commas do not group thousands ("1,20", ",100"). */
function ungrouped(whole: string): string | null {
  const [first, ...groups] = whole.split(",");
  if (!DIGITS.test(first)) return null;
  if (groups.length > 0 && (first.length > 3 || !groups.every((group) => GROUP.test(group)))) return null;
  return first + groups.join("");
}

/**
 * Minor units from what a person typed ("1,200", "1200.50", "0.29"), or null:
 * signs, exponents, symbols, more decimals than the currency has and amounts
 * over MAX_AMOUNT_MINOR are refused rather than guessed at.
 */
export function parseMoney(text: string, currency: string): number | null {
  // The largest amount, grouped and with three decimals, is 21 characters; a pasted essay costs nothing.
  if (text.length > 64) return null;
  const [whole, fraction, ...rest] = text.trim().split(".");
  if (rest.length > 0) return null;
  const integer = ungrouped(whole);
  if (integer === null) return null;
  const digits = minorUnitDigits(currency);
  if (fraction !== undefined && (!DIGITS.test(fraction) || fraction.length > digits)) return null;
  // Integer arithmetic on the digits themselves: "0.29" is 29, exactly.
  const minor = BigInt(integer + (fraction ?? "").padEnd(digits, "0"));
  return minor <= BigInt(MAX_AMOUNT_MINOR) ? Number(minor) : null;
}
