import { z } from "zod";
import { ROLES } from "../authz/capabilities";

/** Role changes and removals of people in an organisation (lib/services/memberships.ts). */
export const changeRoleInput = z.object({
  userId: z.uuid("Unknown person"),
  role: z.enum(ROLES, "Choose a role"),
});

export const removeMembershipInput = z.object({
  userId: z.uuid("Unknown person"),
});
