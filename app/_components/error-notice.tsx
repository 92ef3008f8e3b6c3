/**
 * Errors we cause: a plain page with a reference, never internals (promise
 * M6.7). In production Next sends only the digest to the browser; the server
 * logs the error as JSON under the same id (instrumentation.ts).
 */
export function ErrorNotice({ digest }: { digest?: string }) {
  return (
    <main className="mx-auto max-w-md px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-3 text-gray-600">We have logged the problem. Please try again in a moment.</p>
      {digest ? (
        <p className="mt-3 text-xs text-gray-500">
          Reference: <span data-testid="error-reference">{digest}</span>
        </p>
      ) : null}
    </main>
  );
}
