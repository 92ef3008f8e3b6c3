import { dictionary } from "@zxcvbn-ts/language-common";

/**
 * What a new password must satisfy (promise M3.2). The common-password list is
 * zxcvbn-ts's offline list (about 49,000 leaked passwords), not a hand-typed one.
 * Each rule has its own message so the form can say exactly what to change.
 */
export const PASSWORD_MIN_LENGTH = 12;

export const PASSWORD_MESSAGES = {
  tooShort: `Use at least ${PASSWORD_MIN_LENGTH} characters.`,
  allNumeric: "Use letters or symbols as well as digits.",
  common: "That password is on a list of commonly used passwords. Choose another.",
  personal: "Do not use your email address or name in your password.",
} as const;

const COMMON_PASSWORDS = new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));

// Pieces of an email or name shorter than this ("of", "jo") would refuse too much.
const MIN_PERSONAL_PART = 3;

function personalParts(person: { email: string; name: string }): string[] {
  const email = person.email.trim().toLowerCase();
  const local = email.split("@")[0] ?? "";
  const parts = [email, local, ...local.split(/[^a-z0-9]+/), ...person.name.toLowerCase().split(/[^\p{L}\p{N}]+/u)];
  return [...new Set(parts)].filter((p) => p.length >= MIN_PERSONAL_PART);
}

/** The messages of every rule the password breaks; empty when it is acceptable. */
export function passwordProblems(password: string, person: { email: string; name: string }): string[] {
  const problems: string[] = [];
  const lower = password.toLowerCase();
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(PASSWORD_MESSAGES.tooShort);
  if (/^\d+$/.test(password)) problems.push(PASSWORD_MESSAGES.allNumeric);
  if (COMMON_PASSWORDS.has(lower)) problems.push(PASSWORD_MESSAGES.common);
  if (personalParts(person).some((part) => lower.includes(part))) problems.push(PASSWORD_MESSAGES.personal);
  return problems;
}
