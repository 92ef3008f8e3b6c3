import Link from "next/link";
import type { FormAction } from "@/lib/actions/form-state";
import { ActionButton } from "./action-button";

/** Who is signed in (a link to their account where there is one) and the way out. */
export function SignedInAs({ email, href, signOut }: { email: string; href?: string; signOut: FormAction }) {
  const className = "ml-auto text-sm text-gray-600";
  return (
    <>
      {href ? (
        <Link href={href} className={className} data-testid="signed-in-as">
          {email}
        </Link>
      ) : (
        <span className={className} data-testid="signed-in-as">
          {email}
        </span>
      )}
      <ActionButton action={signOut} label="Sign out" />
    </>
  );
}
