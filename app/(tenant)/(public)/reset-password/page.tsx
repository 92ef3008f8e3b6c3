import type { Metadata } from "next";
import { ActionForm } from "@/app/_components/action-form";
import { tenantRequest } from "@/lib/context/request";
import { resetPasswordAction } from "./actions";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { org } = await tenantRequest();
  const token = (await searchParams).token ?? "";
  return (
    <main className="mx-auto max-w-sm px-6 py-20">
      <h1 className="text-2xl font-semibold">{org.name}</h1>
      <p className="mt-1 text-sm text-gray-600">Choose a new password: at least 12 characters, not only digits, not a common password, without your email or name.</p>
      <ActionForm
        action={resetPasswordAction}
        hidden={{ token }}
        fields={[
          { name: "password", label: "New password", type: "password" },
          { name: "confirm", label: "New password again", type: "password" },
        ]}
        submitLabel="Set the new password"
      />
    </main>
  );
}
