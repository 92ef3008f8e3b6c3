import { retryWording, type LimitOutcome } from "../ratelimit/limits";

/**
 * The answer over a rate limit (promise M3.5): 429 with Retry-After, and a
 * plain page that says when to try again and links back to the form.
 */
export function backOffResponse(outcome: Extract<LimitOutcome, { ok: false }>, what: { title: string; back: string; backLabel: string }): Response {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(what.title)}</title></head>
<body><main>
<h1>${escape(what.title)}</h1>
<p role="alert" data-testid="back-off">Too many attempts from here. For your security, please wait and try again ${escape(retryWording(outcome))}.</p>
<p><a href="${escape(what.back)}">${escape(what.backLabel)}</a></p>
</main></body></html>
`;
  return new Response(body, {
    status: 429,
    headers: { "content-type": "text/html; charset=utf-8", "retry-after": String(outcome.retryAfterSeconds), "cache-control": "no-store" },
  });
}

/** A 303 to a path on this host (after a form POST the browser follows it with GET). */
export const seeOther = (location: string) => new Response(null, { status: 303, headers: { location, "cache-control": "no-store" } });
