import { z } from "zod";
import { queryText } from "./text";

/** Beneficiary form and service input, shared by forms, actions, services and tests. */
export const beneficiaryFields = z.object({
  firstName: z.string().trim().min(1, "First name is required").max(80),
  lastName: z.string().trim().min(1, "Last name is required").max(80),
  householdSize: z.coerce
    .number({ error: "Enter a number" })
    .int("Enter a whole number")
    .min(1, "At least 1")
    .max(50, "At most 50"),
});

export const createBeneficiaryInput = beneficiaryFields.extend({ locationId: z.uuid("Choose a location") });
export const updateBeneficiaryInput = beneficiaryFields.extend({ id: z.uuid("Unknown beneficiary") });

/** The beneficiary list's query string (lib/schemas/query.ts): a search term. */
export const beneficiaryListQuery = z.object({ q: queryText(200) });
