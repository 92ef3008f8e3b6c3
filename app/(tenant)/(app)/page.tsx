import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";

export const metadata: Metadata = { title: "Dashboard" };

export default async function Dashboard() {
  const { org, session, actor } = await memberRequest();
  if (!can(actor, "org:read")) notFound();
  return (
    <section>
      <h1 className="text-2xl font-semibold">Welcome, {session.user.name}</h1>
      <p className="mt-2 text-gray-600">
        You are signed in to {org.name} as <span data-testid="role">{session.role.toLowerCase().replace("_", " ")}</span>.
      </p>
      {can(actor, "members:read") ? (
        <Link href="/members" className="btn mt-6">
          Open the member register
        </Link>
      ) : null}
    </section>
  );
}
