import { revalidatePath } from "next/cache";
import { z } from "zod";
import { notFound, redirect } from "next/navigation";
import type { Actor, PlatformActor } from "../authz/actor";
import { currentMember, thisRequestId } from "../context/request";
import { withRequestId } from "../context/request-id";
import { currentPlatformAdmin } from "../context/platform";
import { AppError, invalidError } from "../errors";
import { logError } from "../log";
import { formFields } from "../schemas/text";
import type { FormAction, FormState } from "./form-state";

/**
 * The one shape of a server action: resolve who acts (signed out → sign-in),
 * pass every field through the text rule (lib/schemas/text.ts: normalised,
 * or refused beside the field before any service runs), hand the fields to
 * one service, then revalidate, redirect or answer. Errors the user caused come back as a message and field messages
 * and change nothing; not-found becomes the 404 page (missing, foreign and
 * forbidden look the same, M4.4); anything else is ours, logged under a
 * reference and shown without internals (M6.7). It runs under the request's
 * id, so every line it logs carries it.
 *
 *   export const createMemberAction = memberAction(createMember, { revalidate: "/members", redirectTo: (m) => `/members/${m.id}` });
 */
export type FormInput = Record<string, string | string[]>;

export type ActionOptions<R, D> = {
  /** The message shown on success. */
  success?: string | ((result: R) => string);
  /** The path whose cached render is stale afterwards. */
  revalidate?: string | ((result: R, input: FormInput) => string);
  /** Where to go afterwards (instead of answering the form). */
  redirectTo?: string | ((result: R) => string);
  /** What the form shows from the result (e.g. recovery codes, once). */
  data?: (result: R) => D;
  /** A last step once the change has committed, e.g. setting or clearing the session cookie. */
  after?: (result: R) => Promise<void>;
};

// What was typed goes back to the form after a refusal, except anything secret.
const SECRET_FIELD = /password|secret|token|key|^(current|confirm|code)$/i;

/** The form's fields: a repeated name (checkboxes) becomes a list; `$ACTION…` fields are React's own. */
export function formInput(form: FormData): FormInput {
  const input: FormInput = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== "string" || key.startsWith("$")) continue;
    const earlier = input[key];
    input[key] = earlier === undefined ? value : [...(Array.isArray(earlier) ? earlier : [earlier]), value];
  }
  return input;
}

/** The fields after the text rule; a refused one is the form's error, beside that field. */
function normalizedFields(input: FormInput): FormInput {
  const checked = formFields.safeParse(input);
  if (checked.success) return checked.data;
  throw invalidError("Please correct the highlighted fields.", z.flattenError(checked.error).fieldErrors as Record<string, string[]>);
}

function typedBack(input: FormInput): Record<string, string> {
  return Object.fromEntries(Object.entries(input).filter((e): e is [string, string] => typeof e[1] === "string" && !SECRET_FIELD.test(e[0])));
}

function refusal<D>(error: unknown, input: FormInput): FormState<D> {
  if (error instanceof AppError) {
    if (error.code === "NOT_FOUND") notFound();
    return { ok: false, message: error.message, fieldErrors: error.fieldErrors, values: typedBack(input) };
  }
  const id = logError("action failed", error);
  return { ok: false, message: `Something went wrong on our side (reference ${id}).`, fieldErrors: {}, values: typedBack(input) };
}

const resolve = <R, T>(option: T | ((result: R, input: FormInput) => T), result: R, input: FormInput): T =>
  typeof option === "function" ? (option as (result: R, input: FormInput) => T)(result, input) : option;

export function formAction<S, R, D = undefined>(
  subject: () => Promise<S>,
  service: (subject: S, input: FormInput) => Promise<R>,
  options: ActionOptions<R, D> = {},
): FormAction<D> {
  return async (_previous, form) => withRequestId(await thisRequestId(), () => act(subject, service, options, form));
}

async function act<S, R, D>(
  subject: () => Promise<S>,
  service: (subject: S, input: FormInput) => Promise<R>,
  options: ActionOptions<R, D>,
  form: FormData,
): Promise<FormState<D>> {
  const who = await subject();
  const input = formInput(form);
  let result: R;
  try {
    result = await service(who, normalizedFields(input));
  } catch (error) {
    return refusal<D>(error, input);
  }
  if (options.revalidate) revalidatePath(resolve(options.revalidate, result, input));
  await options.after?.(result);
  if (options.redirectTo) redirect(resolve(options.redirectTo, result, input));
  return { ok: true, message: options.success && resolve(options.success, result, input), data: options.data?.(result) };
}

/** An action of a signed-in member of the organisation on its host, past two-factor. */
export const memberAction = <R, D = undefined>(service: (actor: Actor, input: FormInput) => Promise<R>, options?: ActionOptions<R, D>) =>
  formAction(currentMember, service, options);

/** An action of a platform admin on the apex, past two-factor. */
export const platformAction = <R, D = undefined>(service: (actor: PlatformActor, input: FormInput) => Promise<R>, options?: ActionOptions<R, D>) =>
  formAction(currentPlatformAdmin, service, options);
