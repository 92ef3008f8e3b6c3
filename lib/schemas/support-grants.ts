import { z } from "zod";

/** Platform support may be let in for at most three days at a time (promise P9). */
export const SUPPORT_GRANT_MAX_HOURS = 72;

export const grantSupportAccessInput = z.object({
  hours: z.coerce
    .number()
    .int("Whole hours only")
    .min(1, "At least one hour")
    .max(SUPPORT_GRANT_MAX_HOURS, `At most ${SUPPORT_GRANT_MAX_HOURS} hours`),
});

export const organizationTargetInput = z.object({ organizationId: z.uuid("Unknown organisation") });
