import { z } from "zod";

/** The apex sign-in form for platform and district admins. */
export const platformSignInInput = z.object({ email: z.string().trim().min(1).max(200), password: z.string().min(1).max(200) });
