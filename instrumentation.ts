import type { Instrumentation } from "next";

/**
 * Errors Next catches while rendering a page or running an action: logged as
 * JSON under the digest the error page shows the user as its reference
 * (promise M6.7). The path is logged without its query, which can hold a
 * search term or other personal data; the request id is middleware's
 * (`X-Request-Id`). Node only: nothing here runs on edge.
 */
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logError } = await import("./lib/log");
  const requestId = request.headers["x-request-id"];
  const digest = typeof error === "object" && error !== null && "digest" in error ? String(error.digest) : undefined;
  logError(
    "request failed",
    error,
    { requestId, method: request.method, path: request.path.split("?")[0], route: context.routePath, kind: context.routeType },
    digest,
  );
};
