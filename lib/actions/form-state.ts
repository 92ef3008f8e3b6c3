import type { FieldErrors } from "../errors";

/**
 * What a server action hands back to its form: success with an optional
 * message (and data, such as recovery codes to show once), or a refusal
 * with a message, field messages and what was typed, to show it again.
 */
export type FormState<D = undefined> =
  | { ok: true; message?: string; data?: D }
  | { ok: false; message: string; fieldErrors: FieldErrors; values?: Record<string, string> }
  | null;

/** Every action's signature: `useActionState` passes the previous state and the form. */
export type FormAction<D = undefined> = (previous: FormState<D>, form: FormData) => Promise<FormState<D>>;
