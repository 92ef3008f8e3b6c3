"use client";

import { ErrorNotice } from "@/app/_components/error-notice";
import "./globals.css";

/**
 * When the root layout itself fails: the same plain page as app/error.tsx,
 * with its own <html>, since nothing above it rendered (promise M6.7).
 */
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-gray-50 font-sans text-gray-900 antialiased">
        <ErrorNotice digest={error.digest} />
      </body>
    </html>
  );
}
