import Link from "next/link";
import type { ReactNode } from "react";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { logout } from "./actions";

export default async function TenantLayout({ children }: { children: ReactNode }) {
  const { org, session, actor } = await memberRequest();
  return (
    <div className="min-h-screen">
      <header className="border-b bg-white">
        <nav className="mx-auto flex max-w-5xl items-center gap-6 px-6 py-3 text-sm">
          <Link href="/" className="font-semibold text-brand-900">
            {org.name}
          </Link>
          {can(actor, "members:read") ? <Link href="/members">Members</Link> : null}
          {can(actor, "programs:read") ? <Link href="/programs">Programs</Link> : null}
          {can(actor, "beneficiaries:read") ? <Link href="/beneficiaries">Beneficiaries</Link> : null}
          {can(actor, "audit:read") ? <Link href="/audit">Audit</Link> : null}
          <Link href="/account" className="ml-auto text-gray-600" data-testid="signed-in-as">
            {session.user.email}
          </Link>
          <form action={logout}>
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
