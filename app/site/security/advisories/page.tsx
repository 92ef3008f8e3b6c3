import type { Metadata } from "next";
import Link from "next/link";
import { ADVISORIES } from "@/lib/security/disclosure";
import { PromiseLinks } from "../../promise-links";

export const metadata: Metadata = { title: "Security advisories" };

export default function AdvisoriesPage() {
  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <h1 className="text-3xl font-bold text-brand-900">Security advisories</h1>
      <p className="mt-4 text-gray-700">
        Every vulnerability we confirm in Harambee, or in a dependency where we had to decide whether it affects
        you, is logged here with the people who reported it. To report one, see{" "}
        <Link href="/security#report">our security page</Link>.
        <PromiseLinks ids={["B6.1"]} />
      </p>
      <ol className="mt-8 space-y-8" data-testid="advisory-log">
        {ADVISORIES.map((advisory) => (
          <li key={advisory.id} id={advisory.id} className="rounded border bg-white p-5">
            <p className="text-xs text-gray-500">
              {advisory.id} · published {advisory.published} · severity {advisory.severity}
            </p>
            <h2 className="mt-1 text-lg font-semibold">{advisory.title}</h2>
            <p className="mt-2 text-gray-700">{advisory.summary}</p>
            <dl className="mt-3 grid grid-cols-[8rem_1fr] gap-1 text-sm">
              <dt className="text-gray-600">Affected</dt>
              <dd>{advisory.affected}</dd>
              <dt className="text-gray-600">Credit</dt>
              <dd>{advisory.credit}</dd>
            </dl>
          </li>
        ))}
      </ol>
    </main>
  );
}
