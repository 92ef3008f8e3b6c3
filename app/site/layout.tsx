import Link from "next/link";
import type { ReactNode } from "react";

/** The public site on the apex: landing, security, privacy, sub-processors. */
export default function SiteLayout({ children }: { children: ReactNode }) {
  return (
    <div className="min-h-screen">
      <header className="border-b bg-white">
        <nav className="mx-auto flex max-w-3xl items-center gap-6 px-6 py-3 text-sm">
          <Link href="/" className="font-semibold text-brand-900">
            Harambee
          </Link>
          <Link href="/security" className="ml-auto">
            Security
          </Link>
          <Link href="/privacy">Privacy</Link>
          <Link href="/subprocessors">Sub-processors</Link>
        </nav>
      </header>
      {children}
      <footer className="mx-auto max-w-3xl px-6 py-10 text-xs text-gray-500">
        Found a vulnerability? See <Link href="/security#report">how to report it</Link> or{" "}
        <a href="/.well-known/security.txt">security.txt</a>.
      </footer>
    </div>
  );
}
