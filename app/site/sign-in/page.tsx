import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { can } from "@/lib/authz/capabilities";
import { platformRequest } from "@/lib/context/platform";
import { PlatformSignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Platform sign-in" };

/** Sign-in on the apex for platform and district admins; members sign in on their organisation's address. */
export default async function PlatformSignInPage() {
  const { actor } = await platformRequest();
  if (actor) redirect(can(actor, "platform:organizations") ? "/admin" : "/district");
  return (
    <main className="mx-auto max-w-sm px-6 py-20">
      <h1 className="text-2xl font-semibold">Platform sign-in</h1>
      <p className="mt-1 text-sm text-gray-600">For Harambee staff and district admins. Club and NGO members sign in at their organisation&apos;s address.</p>
      <PlatformSignInForm />
    </main>
  );
}
