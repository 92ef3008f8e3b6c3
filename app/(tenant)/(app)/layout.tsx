import type { ReactNode } from "react";
import { AppHeader } from "@/app/_components/app-header";
import { can, type Capability } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { logout } from "./actions";

const NAV: { href: string; label: string; capability: Capability }[] = [
  { href: "/members", label: "Members", capability: "members:read" },
  { href: "/dues", label: "Dues", capability: "dues:read" },
  { href: "/welfare", label: "Welfare", capability: "welfare:read" },
  { href: "/my-dues", label: "My dues", capability: "dues:own" },
  { href: "/donations", label: "Donations", capability: "donations:read" },
  { href: "/programs", label: "Programs", capability: "programs:read" },
  { href: "/beneficiaries", label: "Beneficiaries", capability: "beneficiaries:read" },
  { href: "/batches", label: "Batches", capability: "batches:manage" },
  { href: "/audit", label: "Audit", capability: "audit:read" },
  { href: "/settings/payments", label: "Payments", capability: "billing:manage" },
];

export default async function TenantLayout({ children }: { children: ReactNode }) {
  const { org, session, actor } = await memberRequest();
  return (
    <div className="min-h-screen">
      <AppHeader
        home={{ href: "/", label: org.name }}
        links={NAV.filter((link) => can(actor, link.capability))}
        email={session.user.email}
        accountHref="/account"
        signOut={logout}
      />
      <main className="mx-auto max-w-5xl px-6 py-8">{children}</main>
    </div>
  );
}
