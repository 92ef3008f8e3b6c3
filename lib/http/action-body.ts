import { cappedBody } from "./capped-body";

/**
 * Next decodes a server action's body before any of our code runs, and
 * answers a body it cannot decode — past the size limit, multipart cut
 * short, arguments that are not JSON — with a 500. Those are the sender's
 * fault: middleware checks a posted action's body first and answers 413 or
 * 400, and the action never runs. A form post without script (no
 * `next-action` header, the action named in a form field) is checked the same.
 */
export const ACTION_BODY_LIMIT = 1024 * 1024; // next.config.ts serverActions.bodySizeLimit

const refuse = (status: 400 | 413, message: string) => Response.json({ error: message }, { status });

export function isActionPost(request: Request, pathname: string): boolean {
  if (request.method !== "POST" || pathname.startsWith("/api/")) return false;
  return request.headers.has("next-action") || /^\s*multipart\/form-data/i.test(request.headers.get("content-type") ?? "");
}

export async function actionBodyRefusal(request: Request): Promise<Response | null> {
  const type = request.headers.get("content-type") ?? "";
  const body = await cappedBody(request.clone(), ACTION_BODY_LIMIT);
  if (!body) return refuse(413, "This form is too large.");
  if (/^\s*multipart\/form-data/i.test(type)) {
    try {
      await new Response(body, { headers: { "content-type": type } }).formData();
      return null;
    } catch {
      return refuse(400, "This form could not be read.");
    }
  }
  // Anything else Next reads as the arguments' JSON text.
  try {
    JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    return null;
  } catch {
    return refuse(400, "This form could not be read.");
  }
}
