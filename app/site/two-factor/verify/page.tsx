import type { Metadata } from "next";
import Link from "next/link";
import { VerifyForm } from "@/app/_components/verify-form";
import { platformRequest, requirePlatformAdminSession } from "@/lib/context/platform";
import { verifyPlatformSecondFactorAction } from "../actions";

export const metadata: Metadata = { title: "Two-factor check" };

/** The second step of a platform admin's sign-in: /admin answers nothing until it is passed. */
export default async function PlatformTwoFactorVerifyPage() {
  const { session } = requirePlatformAdminSession(await platformRequest());
  return (
    <main className="mx-auto max-w-sm px-6 py-20">
      <h1 className="text-2xl font-semibold">Harambee platform</h1>
      {session.user.twoFactorEnabled && !session.secondFactorDone ? (
        <>
          <p className="mt-1 text-sm text-gray-600">Enter the code from your authenticator app to finish signing in.</p>
          <VerifyForm verify={verifyPlatformSecondFactorAction} />
        </>
      ) : (
        <p className="mt-4 text-sm">
          Nothing to check for this session.{" "}
          <Link href="/admin" className="underline">
            Continue
          </Link>
        </p>
      )}
    </main>
  );
}
