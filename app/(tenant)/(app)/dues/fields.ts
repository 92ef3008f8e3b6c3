import type { FieldChoice, FormField } from "@/app/_components/action-form";
import { CURRENCIES, CURRENCY_NAMES } from "@/lib/dues/money";
import { DUES_PERIOD_KINDS, DUES_PERIOD_KIND_LABELS } from "@/lib/dues/periods";

/** The dues forms' fields; the choices of plans and members come from the page. */
export const PLAN_FIELDS: FormField[] = [
  { name: "name", label: "Plan name" },
  {
    name: "level",
    label: "Covers",
    type: "select",
    options: [
      { value: "INDIVIDUAL", label: "One member" },
      { value: "FAMILY", label: "A family (one invoice for the bundle)" },
      { value: "CORPORATE", label: "A corporate membership (one invoice for the bundle)" },
    ],
  },
  { name: "currency", label: "Currency", type: "select", options: CURRENCIES.map((c) => ({ value: c, label: `${c} — ${CURRENCY_NAMES[c]}` })) },
  { name: "amount", label: "Amount per period" },
  { name: "periodKind", label: "Invoiced", type: "select", options: DUES_PERIOD_KINDS.map((k) => ({ value: k, label: DUES_PERIOD_KIND_LABELS[k] })) },
  { name: "dueDays", label: "Due, days after the period starts", type: "number" },
  { name: "graceDays", label: "Lapses, days after the due date", type: "number" },
];

export const enrolFields = (members: FieldChoice[], plans: FieldChoice[]): FormField[] => [
  { name: "memberId", label: "Member", type: "select", options: members },
  { name: "planId", label: "Plan", type: "select", options: plans },
  { name: "payerId", label: "Paid for by (family or corporate plans)", type: "select", options: [{ value: "", label: "Themself" }, ...members] },
];

const PERIOD_HINT = "Period (empty: the current one), e.g. 2026-27, 2026-27-H1, 2026-27-Q2, 2026-27-M03";

export const issuePeriodFields = (plans: FieldChoice[]): FormField[] => [
  { name: "planId", label: "Plan", type: "select", options: plans },
  { name: "period", label: PERIOD_HINT },
];

export const issueInvoiceFields = (members: FieldChoice[], plans: FieldChoice[]): FormField[] => [
  { name: "memberId", label: "Payer", type: "select", options: members },
  { name: "planId", label: "Plan", type: "select", options: plans },
  { name: "period", label: PERIOD_HINT },
  { name: "draft", label: "Keep as a draft", type: "checkboxes", options: [{ value: "true", label: "Draft (not payable until opened)" }] },
];

export const PAYMENT_FIELDS: FormField[] = [
  {
    name: "method",
    label: "Paid by",
    type: "select",
    options: [
      { value: "CASH", label: "Cash" },
      { value: "BANK", label: "Bank transfer" },
      { value: "MPESA", label: "M-Pesa to the till (receipt number as reference)" },
    ],
  },
  { name: "amount", label: "Amount" },
  { name: "reference", label: "Reference" },
  { name: "paidOn", label: "Paid on (YYYY-MM-DD)" },
  { name: "phone", label: "Payer's phone (optional)", type: "tel" },
];
