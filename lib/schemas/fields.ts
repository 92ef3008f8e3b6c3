import { z } from "zod";

/** Field shapes every resource's schema builds on, so a field means the same in every form. */

/** Optional free text: trimmed, at most `max` characters; empty means none (null). */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional();

/** An optional email address, lower-cased; empty means none (null). */
export const optionalEmail = () =>
  z
    .string()
    .trim()
    .toLowerCase()
    .max(200)
    .refine((v) => v === "" || z.email().safeParse(v).success, "Enter a valid email address")
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional();
