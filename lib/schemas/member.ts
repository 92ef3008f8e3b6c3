import { z } from "zod";

/** Member form and service input, shared by forms, actions, services and tests. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional();

export const memberFields = z.object({
  firstName: z.string().trim().min(1, "First name is required").max(80),
  lastName: z.string().trim().min(1, "Last name is required").max(80),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(200)
    .refine((v) => v === "" || z.email().safeParse(v).success, "Enter a valid email address")
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional(),
  phone: optionalText(32).refine((v) => !v || /^\+?[0-9 ()-]{7,20}$/.test(v), "Enter a valid phone number"),
});

export const createMemberInput = memberFields;
export const updateMemberInput = memberFields.extend({ id: z.uuid("Unknown member") });
export const archiveMemberInput = z.object({ id: z.uuid("Unknown member") });

export type MemberFields = z.infer<typeof memberFields>;
