import type { ReactNode } from "react";
import { AppHeader } from "@/app/_components/app-header";
import { platformRequest, requirePlatformAdmin } from "@/lib/context/platform";
import { platformSignOut } from "../site/sign-in/actions";

/** Platform administration, apex only (promise M4.5): every page below is 404 to anyone but a platform admin. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const { session } = requirePlatformAdmin(await platformRequest());
  return (
    <div className="min-h-screen">
      <AppHeader home={{ href: "/admin", label: "Harambee platform" }} email={session.user.email} signOut={platformSignOut} />
      <main className="mx-auto max-w-5xl px-6 py-8">{children}</main>
    </div>
  );
}
