import type { FormField } from "@/app/_components/action-form";
import { CURRENCIES } from "@/lib/dues/money";

const currencyField: FormField = { name: "currency", label: "Currency", type: "select", options: CURRENCIES.map((c) => ({ value: c, label: c })) };

/** A gift the treasurer received by hand. */
export const DONATION_FIELDS: FormField[] = [
  { name: "name", label: "Donor's name" },
  { name: "email", label: "Email (the receipt is sent there)", type: "email" },
  { name: "phone", label: "Phone", type: "tel" },
  { name: "address", label: "Postal address" },
  {
    name: "method",
    label: "Given as",
    type: "select",
    options: [
      { value: "CASH", label: "Cash" },
      { value: "BANK", label: "Bank transfer" },
      { value: "IN_KIND", label: "In kind" },
    ],
  },
  currencyField,
  { name: "amount", label: "Amount (for a gift in kind, its value)" },
  { name: "fund", label: "Fund or campaign (optional)" },
  { name: "reference", label: "Reference (bank or cash receipt, optional)" },
  { name: "description", label: "What was given (gifts in kind)" },
  { name: "receivedOn", label: "Received on (YYYY-MM-DD)" },
];

/** A receipt's correction: the corrected amount and fund, and why. */
export const CORRECTION_FIELDS: FormField[] = [currencyField, { name: "amount", label: "Corrected amount" }, { name: "fund", label: "Fund or campaign" }, { name: "reason", label: "Why" }];
