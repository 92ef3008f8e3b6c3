"use client";

import "./globals.css";

/**
 * When the root layout itself fails: the same plain page as app/error.tsx,
 * with its own <html>, since nothing above it rendered (promise M6.7).
 */
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-gray-50 font-sans text-gray-900 antialiased">
        <main className="mx-auto max-w-md px-6 py-24 text-center">
          <h1 className="text-2xl font-semibold">Something went wrong</h1>
          <p className="mt-3 text-gray-600">We have logged the problem. Please try again in a moment.</p>
          {error.digest ? (
            <p className="mt-3 text-xs text-gray-500">
              Reference: <span data-testid="error-reference">{error.digest}</span>
            </p>
          ) : null}
        </main>
      </body>
    </html>
  );
}
