import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { tenantRequest } from "@/lib/context/request";
import { safeNext } from "@/lib/security/safe-next";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = safeNext((await searchParams).next);
  const { org, session } = await tenantRequest();
  if (session) redirect(next);
  return (
    <main className="mx-auto max-w-sm px-6 py-20">
      <h1 className="text-2xl font-semibold">{org.name}</h1>
      <p className="mt-1 text-sm text-gray-600">Sign in to continue.</p>
      <LoginForm next={next} />
    </main>
  );
}
