import { describe, expect, test } from "vitest";
import { CURRENCIES, CURRENCY_NAMES, formatMoney, MAX_AMOUNT_MINOR, minorUnitDigits, parseMoney } from "@/lib/dues/money";

// Intl separates a currency code from its amount with a no-break space.
const spaced = (text: string) => text.replace(/\u00a0/g, " ");

describe("minorUnitDigits: each currency's own minor unit, from Intl", () => {
  test.each([
    ["KES", 2],
    ["USD", 2],
    ["EUR", 2],
    ["GBP", 2],
    ["NGN", 2],
    ["UGX", 0],
    ["JPY", 0],
    ["BHD", 3],
  ] as const)("%s has %i", (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });
});

describe("formatMoney: minor units to text, no float in between", () => {
  const cases: Array<[number, string, string, string]> = [
    [120_050, "KES", "en-KE", "Ksh 1,200.50"],
    [29, "KES", "en-KE", "Ksh 0.29"],
    [5, "KES", "en-KE", "Ksh 0.05"],
    [0, "KES", "en-KE", "Ksh 0.00"],
    [-1_500, "KES", "en-KE", "-Ksh 15.00"],
    [1_200, "UGX", "en-KE", "UGX 1,200"],
    [1_200, "JPY", "en-US", "¥1,200"],
    [1_234, "BHD", "en-KE", "BHD 1.234"],
    [1, "BHD", "en-KE", "BHD 0.001"],
    [1_999, "USD", "en-US", "$19.99"],
    [MAX_AMOUNT_MINOR, "KES", "en-KE", "Ksh 10,000,000,000.00"],
    [Number.MAX_SAFE_INTEGER, "USD", "en-US", "$90,071,992,547,409.91"],
  ];
  test.each(cases)("%i %s in %s is %s", (minor, currency, locale, expected) => {
    expect(spaced(formatMoney(minor, currency, locale))).toBe(expected);
  });

  test("defaults to Kenyan English", () => {
    expect(spaced(formatMoney(150_000, "KES"))).toBe("Ksh 1,500.00");
  });

  test.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])("refuses %s, which is not whole minor units", (minor) => {
    expect(() => formatMoney(minor, "KES")).toThrow(RangeError);
  });
});

describe("parseMoney: what a person typed, to minor units, or null", () => {
  const accepted: Array<[string, string, number]> = [
    ["1200", "KES", 120_000],
    ["1,200", "KES", 120_000],
    ["1200.50", "KES", 120_050],
    ["1,200.5", "KES", 120_050],
    ["0.29", "KES", 29],
    ["0.57", "KES", 57],
    ["1.10", "KES", 110],
    ["4.35", "USD", 435],
    ["0.01", "KES", 1],
    ["0", "KES", 0],
    [" 1,234,567.89 ", "KES", 123_456_789],
    ["007", "KES", 700],
    ["1200", "UGX", 1_200],
    ["1,200", "UGX", 1_200],
    ["1.005", "BHD", 1_005],
    ["1.5", "BHD", 1_500],
    ["10000000000", "KES", MAX_AMOUNT_MINOR],
    ["1000000000000", "UGX", MAX_AMOUNT_MINOR],
  ];
  test.each(accepted)("%j %s is %i", (text, currency, minor) => {
    expect(parseMoney(text, currency)).toBe(minor);
  });

  const refused: Array<[string, string, string]> = [
    ["1.005", "KES", "more decimals than KES has"],
    ["1200.5", "UGX", "decimals where UGX has none"],
    ["1200.00", "UGX", "decimals where UGX has none, even zeros"],
    ["1.0005", "BHD", "more decimals than BHD has"],
    ["-5", "KES", "a negative"],
    ["+5", "KES", "a sign"],
    ["1e3", "KES", "an exponent"],
    ["1E3", "KES", "an exponent"],
    ["NaN", "KES", "NaN"],
    ["Infinity", "KES", "Infinity"],
    ["", "KES", "nothing"],
    ["   ", "KES", "blanks"],
    [".5", "KES", "no whole part"],
    ["5.", "KES", "a trailing point"],
    ["1.2.3", "KES", "two points"],
    ["1,20", "KES", "a comma that does not group thousands"],
    ["1200,000", "KES", "a first group longer than three digits"],
    [",100", "KES", "a leading comma"],
    ["1,,000", "KES", "two commas"],
    ["1 200", "KES", "a space inside"],
    ["KES 1200", "KES", "a currency code"],
    ["Ksh1200", "KES", "a symbol"],
    ["0x10", "KES", "hex"],
    ["１２００", "KES", "full-width digits"],
    ["10000000000.01", "KES", "one cent over the limit"],
    ["1000000000001", "UGX", "one shilling over the limit"],
    ["9".repeat(400), "KES", "an absurd length"],
  ];
  test.each(refused)("%j %s is refused: %s", (text, currency) => {
    expect(parseMoney(text, currency)).toBeNull();
  });

  test("format and parse round-trip for every currency in the select", () => {
    for (const currency of CURRENCIES) {
      const digits = minorUnitDigits(currency);
      const typed = digits === 0 ? "1,234,567" : `1,234,567.${"8".repeat(digits)}`;
      const minor = parseMoney(typed, currency)!;
      expect(spaced(formatMoney(minor, currency, "en-KE"))).toContain(typed);
    }
  });
});

test("every currency in the select has a name", () => {
  expect(Object.keys(CURRENCY_NAMES).sort()).toEqual([...CURRENCIES].sort());
});
