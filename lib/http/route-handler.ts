import { unstable_rethrow } from "next/navigation";
import { AppError } from "../errors";
import { acceptRequestId, REQUEST_ID_HEADER, withRequestId } from "../context/request-id";
import { logError } from "../log";
import { crossSiteRefusal } from "../security/origin";

/**
 * The one wrapper for route handlers. A state-changing request from another
 * site is refused (webhooks excepted; middleware refuses it first, and this
 * keeps the rule with the handler should a request ever reach it another
 * way — promise M6.3). A service's coded error becomes its status with a plain
 * message; anything else becomes 500 with `{ error, id }` and a JSON log line
 * under the same id, never a stack, SQL or path (M6.7). It runs under the
 * request's id (middleware's `X-Request-Id`), so every line it logs carries it.
 */
const STATUS: Record<AppError["code"], number> = { NOT_FOUND: 404, INVALID: 400, CONFLICT: 409, RATE_LIMITED: 429 };

export const SERVER_ERROR_MESSAGE = "Something went wrong on our side. Quote the id if you contact us.";

export type RouteHandler<R extends Request, C> = (request: R, context: C) => Response | Promise<Response>;

export function routeHandler<R extends Request = Request, C = unknown>(handler: RouteHandler<R, C>): (request: R, context: C) => Promise<Response> {
  return (request, context) => withRequestId(acceptRequestId(request.headers.get(REQUEST_ID_HEADER)), () => handle(handler, request, context));
}

async function handle<R extends Request, C>(handler: RouteHandler<R, C>, request: R, context: C): Promise<Response> {
  const refused = crossSiteRefusal(request);
  if (refused) return refused;
  try {
    return await handler(request, context);
  } catch (error) {
    unstable_rethrow(error); // notFound() and redirect() are Next's control flow, not failures
    if (error instanceof AppError) {
      const fieldErrors = error.code === "INVALID" ? { fieldErrors: error.fieldErrors } : {};
      return Response.json({ error: error.message, ...fieldErrors }, { status: STATUS[error.code] });
    }
    const id = logError("route handler failed", error, { method: request.method, path: new URL(request.url).pathname });
    return Response.json({ error: SERVER_ERROR_MESSAGE, id }, { status: 500 });
  }
}
