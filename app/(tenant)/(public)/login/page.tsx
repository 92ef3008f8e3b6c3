import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { tenantRequest } from "@/lib/context/request";
import { safeNext } from "@/lib/security/safe-next";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  credentials: "That email and password do not match an account here.",
  reset: "Your password has been changed. Sign in with the new one.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[]; error?: string | string[] }> }) {
  const query = await searchParams;
  const next = safeNext(query.next);
  const { org, session } = await tenantRequest();
  if (session) redirect(next);
  const error = typeof query.error === "string" ? (ERRORS[query.error] ?? null) : null;
  return (
    <main className="mx-auto max-w-sm px-6 py-20">
      <h1 className="text-2xl font-semibold">{org.name}</h1>
      <p className="mt-1 text-sm text-gray-600">Sign in to continue.</p>
      <LoginForm next={next} error={error} />
    </main>
  );
}
