"use client";

/** Errors we cause: a plain page with a reference, never internals. */
export default function ErrorPage({ error }: { error: Error & { digest?: string } }) {
  return (
    <main className="mx-auto max-w-md px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-3 text-gray-600">We have logged the problem. Please try again in a moment.</p>
      {error.digest ? <p className="mt-3 text-xs text-gray-500">Reference: {error.digest}</p> : null}
    </main>
  );
}
