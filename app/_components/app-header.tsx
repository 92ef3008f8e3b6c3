import Link from "next/link";
import type { FormAction } from "@/lib/actions/form-state";
import { SignedInAs } from "./signed-in-as";

export type NavLink = { href: string; label: string };

/**
 * The signed-in header: home link, the links the caller may follow (the
 * layout decides which), who is signed in and the way out.
 */
export function AppHeader({
  home,
  links = [],
  email,
  accountHref,
  signOut,
}: {
  home: NavLink;
  links?: NavLink[];
  email: string;
  accountHref?: string;
  signOut: FormAction;
}) {
  return (
    <header className="border-b bg-white">
      <nav className="mx-auto flex max-w-5xl items-center gap-6 px-6 py-3 text-sm">
        <Link href={home.href} className="font-semibold text-brand-900">
          {home.label}
        </Link>
        {links.map((link) => (
          <Link key={link.href} href={link.href}>
            {link.label}
          </Link>
        ))}
        <SignedInAs email={email} href={accountHref} signOut={signOut} />
      </nav>
    </header>
  );
}
