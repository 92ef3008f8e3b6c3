/** How the welfare pages name categories, statuses and methods. */
export const CATEGORY_LABELS = { BEREAVEMENT: "Bereavement", MEDICAL: "Medical", EDUCATION: "Education", HARDSHIP: "Hardship", OTHER: "Other" } as const;
export const CASE_STATUS_LABELS = { OPEN: "Open", APPROVED: "Approved", CLOSED: "Closed" } as const;
export const DISBURSEMENT_STATUS_LABELS = { REQUESTED: "Awaiting approval", APPROVED: "Approved, to pay", REJECTED: "Rejected", PAYING: "Paying by M-Pesa", PAID: "Paid" } as const;
export const METHOD_LABELS = { CARD: "Card", MPESA: "M-Pesa", CASH: "Cash", BANK: "Bank transfer" } as const;
