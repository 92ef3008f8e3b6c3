import { z } from "zod";

export const createDonorInput = z.object({
  name: z.string().trim().min(1, "A name is required").max(200),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(200)
    .refine((v) => v === "" || z.email().safeParse(v).success, "Enter a valid email address")
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional(),
});
