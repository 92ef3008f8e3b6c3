/**
 * What is never logged (promise M10.1): personal data and credentials. Two
 * nets, because callers are asked to log only codes and ids but an error's
 * message or a path can still carry a value:
 *  - REDACT_PATHS: fields by name, replaced by pino's `redact` before a line is written;
 *  - scrubText: values by shape, in any free text (messages, error messages, stacks, paths).
 */
export const REDACTED = "[redacted]";

const SENSITIVE_KEYS = [
  "email",
  "phone",
  "nin",
  "bvn",
  "dateOfBirth",
  "password",
  "newPassword",
  "currentPassword",
  "token",
  "callbackToken",
  "secret",
  "cookie",
  "authorization",
  "sessionToken",
];

const SENSITIVE = new Set(SENSITIVE_KEYS.map((key) => key.toLowerCase()));

/** Whether a field of this name is redacted whatever its value (at any depth, for error reports). */
export const isSensitiveKey = (key: string) => SENSITIVE.has(key.toLowerCase());

/** Each name at the top of a line and one level down (e.g. `data.email`, `headers.cookie`). */
export const REDACT_PATHS = SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`]);

// eslint-disable-next-line security/detect-unsafe-regex -- each repeat starts at a literal dot and all are bounded: linear time
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/g;
// Phones, NINs and BVNs: nine or more digits, perhaps with a leading + (or its URL form) and single spaces or dashes.
// Not inside a longer word, id or hash, so UUIDs, hex digests and ISO dates (eight digits) survive.
// eslint-disable-next-line security/detect-unsafe-regex -- each repeat takes exactly one digit, bounded: linear time
const LONG_NUMBER = /(?<![\w.-])(?:\+|%2B)?\d(?:[ -]?\d){8,30}(?![\w-])/gi;
const BEARER = /\bBearer\s+[\w.~+/-]+=*/gi;
const NAMED_SECRET = /\b(password|passwd|token|secret|cookie|authorization)(["']?\s*[:=]\s*["']?)[^\s"'&;,]+/gi;
// JWTs and JWEs (Auth.js's session cookie is one).
const JOSE = /\beyJ[\w-]*\.[\w.-]+/g;
// Opaque random tokens (base64url, e.g. a reset or callback token): mixed case, and digits unless long enough
// that a random one would almost surely have them. Lower-case ids (UUIDs, cuids) and hex digests have no capitals.
const OPAQUE = /(?<![\w-])[A-Za-z0-9_-]{20,}(?![\w-])/g;
const looksRandom = (run: string) => /[a-z]/.test(run) && /[A-Z]/.test(run) && (run.length >= 32 || /\d/.test(run));

export function scrubText(text: string): string {
  return text
    .replace(JOSE, "[token]")
    .replace(BEARER, "Bearer [token]")
    .replace(NAMED_SECRET, `$1$2${REDACTED}`)
    .replace(EMAIL, "[email]")
    .replace(LONG_NUMBER, "[number]")
    .replace(OPAQUE, (run) => (looksRandom(run) ? "[token]" : run));
}

// Correlation ids we made or were shown to the user: Next's error digest is all digits and must survive as is.
const CORRELATION_IDS = new Set(["id", "requestId", "jobId"]);

/** Every string in a log line's fields, scrubbed (but the line's own correlation ids); depth-limited, as a line's fields are small. */
export function scrubFields(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubText(value);
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => scrubFields(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, depth === 0 && CORRELATION_IDS.has(key) ? item : scrubFields(item, depth + 1)]));
}
