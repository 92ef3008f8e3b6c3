import type { FormField } from "@/app/_components/action-form";

/** The member form's own fields, for adding and editing alike. */
export const MEMBER_FIELDS: FormField[] = [
  { name: "firstName", label: "First name" },
  { name: "lastName", label: "Last name" },
  { name: "email", label: "Email", type: "email" },
  { name: "phone", label: "Phone", type: "tel" },
];
