import { z } from "zod";

/**
 * The one rule for text that comes from outside (form fields, query values,
 * JSON bodies): NFC-normalised, line endings as "\n", and refused when the
 * database could not hold it or a reader could be fooled by it — a C0 control
 * character other than tab and newline (NUL among them: PostgreSQL refuses it
 * with SQLSTATE 22021), DEL, or a lone UTF-16 surrogate. Refused, not
 * stripped: a value quietly changed is a value the person did not type.
 * Lengths stay each field's own limit, in its schema.
 */
export type TextVerdict = { ok: true; value: string } | { ok: false; reason: string };

const UNHOLDABLE = /[\u0000-\u0008\u000b-\u001f\u007f]/;

export const UNHOLDABLE_TEXT = "Remove the control characters from this field";
export const MALFORMED_TEXT = "This text has a broken character; type it again";

export function checkText(raw: string): TextVerdict {
  if (!raw.isWellFormed()) return { ok: false, reason: MALFORMED_TEXT };
  const value = raw.replace(/\r\n?/g, "\n").normalize("NFC");
  if (UNHOLDABLE.test(value)) return { ok: false, reason: UNHOLDABLE_TEXT };
  return { ok: true, value };
}

/**
 * Every string inside an input (an object's values, a list's items, however
 * deep) through `checkText`: the normalised input, with an issue at each
 * refused string's path. The shape is otherwise untouched, so the schema
 * behind it still says what each field must be.
 */
function normalizeDeep(value: unknown, path: PropertyKey[], issues: { path: PropertyKey[]; message: string }[]): unknown {
  if (typeof value === "string") {
    const verdict = checkText(value);
    if (verdict.ok) return verdict.value;
    issues.push({ path, message: verdict.reason });
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => normalizeDeep(item, [...path, i], issues));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalizeDeep(item, [...path, key], issues)]));
  }
  return value;
}

/**
 * A schema whose input first passes the text rule: a refused string becomes
 * an issue on its own field (the form shows it beside the field) and the
 * schema behind is not consulted, so nothing downstream ever sees it.
 */
export function holdable<S extends z.ZodType>(schema: S) {
  return z.preprocess((raw, ctx) => {
    const issues: { path: PropertyKey[]; message: string }[] = [];
    const value = normalizeDeep(raw, [], issues);
    for (const issue of issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path, input: raw });
    return value;
  }, schema);
}

/**
 * A free-text query value (a search term, a filter): trimmed, empty means no
 * filter (undefined). A term the database cannot hold, or longer than any
 * stored value it could match, can match nothing: it reads as null, and the
 * query answers "no results" without asking the database.
 */
export const queryText = (max: number) =>
  z
    .unknown()
    .transform((raw): string | null | undefined => {
      // Already read as "matches nothing" (a filter parsed twice stays so).
      if (raw === null) return null;
      const first = Array.isArray(raw) ? raw[0] : raw;
      if (typeof first !== "string") return undefined;
      const verdict = checkText(first);
      if (!verdict.ok) return null;
      const value = verdict.value.trim();
      if (value === "") return undefined;
      return value.length > max ? null : value;
    })
    .optional();

/** A form's fields as lib/actions/form-action.ts collects them, each through the text rule. */
export const formFields = holdable(z.record(z.string(), z.union([z.string(), z.array(z.string())])));
