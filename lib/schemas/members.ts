import { z } from "zod";
import { digitsOnly, normalizePhone } from "../crypto/normalize";
import { optionalEmail, optionalText } from "./fields";
import { queryText } from "./text";

/** Member form and service input, shared by forms, actions, services and tests. */

/** An 11-digit national number typed with or without spaces and dashes; stored as digits. */
const elevenDigits = (message: string) =>
  optionalText(32)
    .refine((v) => !v || /^[\d\s-]+$/.test(v), message)
    .transform((v) => (v ? digitsOnly(v) : v))
    .refine((v) => !v || v.length === 11, message);

function isPastDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && value >= "1900-01-01" && date.getTime() <= Date.now();
}

export const memberFields = z.object({
  firstName: z.string().trim().min(1, "First name is required").max(80),
  lastName: z.string().trim().min(1, "Last name is required").max(80),
  email: optionalEmail(),
  phone: optionalText(32)
    .refine((v) => !v || normalizePhone(v) !== null, "Enter the phone number with its country code, e.g. +254 712 345678")
    .transform((v) => (v ? normalizePhone(v) : v)),
  nin: elevenDigits("A NIN has 11 digits"),
  bvn: elevenDigits("A BVN has 11 digits"),
  dateOfBirth: optionalText(10).refine((v) => !v || (/^\d{4}-\d{2}-\d{2}$/.test(v) && isPastDate(v)), "Enter a past date as YYYY-MM-DD"),
  address: optionalText(500),
});

export const createMemberInput = memberFields;
export const updateMemberInput = memberFields.extend({ id: z.uuid("Unknown member") });
export const archiveMemberInput = z.object({ id: z.uuid("Unknown member") });

export type MemberFields = z.infer<typeof memberFields>;

/** The member list's query string (lib/schemas/query.ts): a search term, and whether archived members show. */
export const memberListQuery = z.object({ q: queryText(200), archived: z.literal("1").optional().catch(undefined) });

/** Ties a member record to the login of the same person (or unties it: empty userId). */
export const linkMemberLoginInput = z.object({
  memberId: z.uuid("Unknown member"),
  userId: z
    .union([z.uuid("Unknown person"), z.literal("")])
    .transform((v) => v || null),
});
