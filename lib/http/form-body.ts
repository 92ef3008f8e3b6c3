import { invalidError } from "../errors";
import { checkText } from "../schemas/text";
import { cappedBody } from "./capped-body";

/** A sign-in or reset form is a few hundred bytes; anything this large is not one. */
const MAX_FORM_BYTES = 64 * 1024;

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/**
 * A route handler's form body, as lib/actions/form-action.ts reads an
 * action's: each field through the text rule (lib/schemas/text.ts). Another
 * content type, a body too large or that does not parse, or a field the rule
 * refuses is the caller's fault: 400 through the route-handler wrapper, never 500.
 */
export async function formBody(request: Request): Promise<Record<string, string>> {
  const type = request.headers.get("content-type") ?? "";
  if (!FORM_TYPES.test(type)) throw invalidError("Send the form as a form.");
  const bytes = await cappedBody(request, MAX_FORM_BYTES);
  if (!bytes) throw invalidError("This form is too large.");
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": type } }).formData();
  } catch {
    throw invalidError("This form could not be read.");
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== "string" || name in fields) continue;
    const verdict = checkText(value);
    if (!verdict.ok) throw invalidError(verdict.reason, { [name]: [verdict.reason] });
    fields[name] = verdict.value;
  }
  return fields;
}

