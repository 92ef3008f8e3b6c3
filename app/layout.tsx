import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { HydrationMarker } from "./hydration-marker";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Harambee", template: "%s · Harambee" },
  description: "Membership, dues and programs for clubs and NGOs.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, so its scripts carry that request's CSP
  // nonce (Next reads it from the policy middleware put on the request).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-gray-50 font-sans text-gray-900 antialiased">
        <HydrationMarker />
        {children}
      </body>
    </html>
  );
}
