import { parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";

/**
 * A beneficiary batch: the file's columns, one row's rules, and the service
 * inputs. The template (`batchTemplateCsv`) is built from the same columns.
 */
export const BATCH_COLUMNS = ["first_name", "last_name", "household_size", "nin", "bvn", "phone", "date_of_birth"] as const;
export type BatchColumn = (typeof BATCH_COLUMNS)[number];

/** Numbers written without a country code are read as Nigerian (the field programs' country). */
export const DEFAULT_PHONE_REGION = "NG";

const elevenDigits = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `${label} is required`)
    .refine((v) => /^[\d\s-]+$/.test(v), `${label} has only digits (spaces and dashes allowed)`)
    .transform((v) => v.replace(/\D/g, ""))
    .refine((v) => v.length === 11, `${label} must be 11 digits`);

const optionalElevenDigits = (label: string) =>
  z
    .string()
    .trim()
    .refine((v) => v === "" || /^[\d\s-]+$/.test(v), `${label} has only digits (spaces and dashes allowed)`)
    .transform((v) => v.replace(/\D/g, ""))
    .refine((v) => v === "" || v.length === 11, `${label} must be 11 digits`)
    .transform((v) => v || null);

function isRealPastDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && value >= "1900-01-01" && date.getTime() <= Date.now();
}

/** One row of the file, normalised: what is staged and then imported. */
export const batchRowSchema = z.object({
  first_name: z.string().trim().min(1, "First name is required").max(80, "First name is too long"),
  last_name: z.string().trim().min(1, "Last name is required").max(80, "Last name is too long"),
  household_size: z
    .string()
    .trim()
    .transform((v) => (v === "" ? "1" : v))
    .refine((v) => /^\d{1,2}$/.test(v) && Number(v) >= 1 && Number(v) <= 50, "Household size is a whole number from 1 to 50")
    .transform(Number),
  nin: elevenDigits("NIN"),
  bvn: optionalElevenDigits("BVN"),
  phone: z
    .string()
    .trim()
    .min(1, "Phone is required")
    .transform((v, ctx) => {
      const parsed = parsePhoneNumberFromString(v, DEFAULT_PHONE_REGION);
      if (!parsed?.isValid()) {
        ctx.addIssue({ code: "custom", message: "Phone is not a valid number" });
        return z.NEVER;
      }
      return parsed.number;
    }),
  date_of_birth: z.string().trim().refine(isRealPastDate, "Date of birth must be a real past date as YYYY-MM-DD"),
});

export type BatchRow = z.infer<typeof batchRowSchema>;

export const uploadBatchInput = z.object({
  id: z.uuid(),
  locationId: z.uuid("Choose a location"),
  fileName: z.string().trim().min(1).max(200),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  objectKey: z.string().min(1).max(300),
  rows: z.array(
    z.object({
      rowNumber: z.number().int().min(1),
      errors: z.string().max(2000).nullable(),
      data: z.string().max(4000).nullable(),
      nin: z.string().nullable(),
      bvn: z.string().nullable(),
      inFileDuplicate: z.boolean(),
    }),
  ),
});

export const batchIdInput = z.object({ id: z.uuid("Unknown batch") });

export const retentionInput = z.object({
  piiRetentionDays: z.coerce.number({ error: "Enter a number of days" }).int("Enter whole days").min(1, "At least 1 day").max(365, "At most 365 days"),
  purgeIdentifiers: z
    .union([z.literal("on"), z.literal("true"), z.literal(""), z.boolean()])
    .optional()
    .transform((v) => v === true || v === "on" || v === "true"),
});

/** The template a field team fills in: the header and one example row. */
export function batchTemplateCsv(): string {
  return `${BATCH_COLUMNS.join(",")}\r\nAdaeze,Okafor,4,123 4567-8901,22345678901,0803 123 4567,1985-04-12\r\n`;
}
