import { z } from "zod";

/** Program and location forms and service input, shared by forms, actions, services and tests. */
export const createProgramInput = z.object({
  name: z.string().trim().min(2, "Give the program a name").max(120),
  description: z
    .string()
    .trim()
    .max(500)
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional(),
});

export const createLocationInput = z.object({
  programId: z.uuid("Unknown program"),
  name: z.string().trim().min(2, "Give the location a name").max(120),
});

export const assignUnitInput = z.object({
  userId: z.uuid("Unknown person"),
  // Empty means "no unit": the person then reaches nothing in programs.
  unitId: z.union([z.uuid("Unknown unit"), z.literal("")]).transform((v) => (v === "" ? null : v)),
});
