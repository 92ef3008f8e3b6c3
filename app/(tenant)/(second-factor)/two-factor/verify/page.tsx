import type { Metadata } from "next";
import Link from "next/link";
import { VerifyForm } from "@/app/_components/verify-form";
import { signedInRequest } from "@/lib/context/request";
import { verifySecondFactorAction } from "../actions";

export const metadata: Metadata = { title: "Two-factor check" };

export default async function TwoFactorVerifyPage() {
  const { org, session } = await signedInRequest();
  return (
    <main className="mx-auto max-w-sm px-6 py-20">
      <h1 className="text-2xl font-semibold">{org.name}</h1>
      {session.user.twoFactorEnabled && !session.secondFactorDone ? (
        <>
          <p className="mt-1 text-sm text-gray-600">Enter the code from your authenticator app to finish signing in.</p>
          <VerifyForm verify={verifySecondFactorAction} />
        </>
      ) : (
        <p className="mt-4 text-sm">
          Nothing to check for this session. <Link href="/" className="underline">
            Continue
          </Link>
        </p>
      )}
    </main>
  );
}
