import { notFound } from "next/navigation";
import { AppError, type FieldErrors } from "../errors";
import { logError } from "../log";

/** What a form's server action hands back to the form. */
export type FormState =
  | { ok: true; message?: string }
  | { ok: false; message: string; fieldErrors: FieldErrors; values?: Record<string, string> }
  | null;

/**
 * Maps a service call to a form state: errors the user caused become a
 * message (and field messages); not-found becomes the 404 page; anything else
 * is ours, logged with a correlation id and shown without internals.
 */
export async function formResult(
  call: () => Promise<unknown>,
  options: { success?: string; values?: Record<string, string> } = {},
): Promise<FormState> {
  try {
    await call();
    return { ok: true, message: options.success };
  } catch (error) {
    if (error instanceof AppError) {
      if (error.code === "NOT_FOUND") notFound();
      // Sent back so the form shows what was typed (React resets uncontrolled forms).
      return { ok: false, message: error.message, fieldErrors: error.fieldErrors, values: options.values };
    }
    const id = logError("action failed", error);
    return { ok: false, message: `Something went wrong on our side (reference ${id}).`, fieldErrors: {}, values: options.values };
  }
}

export function formObject(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string" && !key.startsWith("$")) out[key] = value;
  return out;
}
