/**
 * The companies that process personal data on our behalf (promise B4.2).
 * A change here is a change owners hear about 30 days before it takes effect.
 */
export type Subprocessor = { name: string; purpose: string; data: string; location: string; used: string };

export const SUBPROCESSORS: readonly Subprocessor[] = [
  {
    name: "Stripe, Inc.",
    purpose: "Card payments for dues and donations, and organisations' platform subscriptions (Stripe Checkout and Connect).",
    data: "Payer's name and email, amount, what it pays for. Card details go to Stripe directly and never reach us.",
    location: "United States, and other countries where Stripe operates",
    used: "When an organisation accepts card payments",
  },
  {
    name: "Safaricom PLC (M-Pesa Daraja)",
    purpose: "Mobile-money payments for dues and donations (STK push).",
    data: "Payer's phone number, amount, M-Pesa receipt number.",
    location: "Kenya",
    used: "When an organisation accepts M-Pesa",
  },
  {
    name: "Our hosting provider",
    purpose: "Runs the application servers, the PostgreSQL database and the encrypted backups.",
    data: "Everything the service stores; personal identifiers (national IDs, phone numbers, case notes) only as ciphertext.",
    location: "The region each organisation's data is kept in (EU organisations can ask for EU regions)",
    used: "Always",
  },
  {
    name: "Resend, Inc.",
    purpose: "Transactional email: sign-in and password-reset links, receipts, notices to owners.",
    data: "Recipient's email address and name, the message.",
    location: "United States",
    used: "When email is sent",
  },
];
