import type { FormField } from "@/app/_components/action-form";

/** The beneficiary form's own fields, for registering and editing alike. */
export const BENEFICIARY_FIELDS: FormField[] = [
  { name: "firstName", label: "First name" },
  { name: "lastName", label: "Last name" },
  { name: "householdSize", label: "Household size", type: "number" },
];
