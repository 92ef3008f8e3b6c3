import Link from "next/link";
import type { ReactNode } from "react";
import { platformRequest, requirePlatformAdmin } from "@/lib/context/platform";
import { platformSignOut } from "../site/sign-in/actions";

/** Platform administration, apex only (promise M4.5): every page below is 404 to anyone but a platform admin. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const { session } = requirePlatformAdmin(await platformRequest());
  return (
    <div className="min-h-screen">
      <header className="border-b bg-white">
        <nav className="mx-auto flex max-w-5xl items-center gap-6 px-6 py-3 text-sm">
          <Link href="/admin" className="font-semibold text-brand-900">
            Harambee platform
          </Link>
          <span className="ml-auto text-gray-600" data-testid="signed-in-as">
            {session.user.email}
          </span>
          <form action={platformSignOut}>
            <button type="submit" className="btn-quiet">
              Sign out
            </button>
          </form>
        </nav>
      </header>
      <main className="mx-auto max-w-5xl px-6 py-8">{children}</main>
    </div>
  );
}
