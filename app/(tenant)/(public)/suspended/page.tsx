import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { tenantRequest } from "@/lib/context/request";

export const metadata: Metadata = { title: "Suspended" };

/** What a suspended organisation's people see instead of the app; an active organisation has nothing here. */
export default async function SuspendedPage() {
  const { org } = await tenantRequest();
  if (org.status !== "SUSPENDED") redirect("/");
  return (
    <main className="mx-auto max-w-md px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">{org.name} is suspended</h1>
      <p className="mt-3 text-gray-600">
        Its account has been suspended by the Harambee platform. Nothing has been deleted; please contact your organisation&apos;s
        owner or Harambee support.
      </p>
    </main>
  );
}
