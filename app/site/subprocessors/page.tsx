import type { Metadata } from "next";
import Link from "next/link";
import { SUBPROCESSORS } from "@/lib/privacy/subprocessors";
import { PromiseLinks } from "../promise-links";

export const metadata: Metadata = { title: "Sub-processors" };

export default function SubprocessorsPage() {
  return (
    <main className="mx-auto max-w-4xl px-6 py-12">
      <h1 className="text-3xl font-bold text-brand-900">Sub-processors</h1>
      <p className="mt-4 text-gray-700">
        These companies process personal data for us, each only for the purpose listed. We tell every
        organisation&apos;s owners about a new or changed sub-processor at least 30 days before it starts. See also
        our <Link href="/privacy">privacy notice</Link>.
        <PromiseLinks ids={["B4.2"]} />
      </p>
      <table className="mt-8 w-full border-collapse text-left text-sm" data-testid="subprocessors">
        <thead>
          <tr className="border-b">
            <th className="py-2 pr-3">Sub-processor</th>
            <th className="py-2 pr-3">Purpose</th>
            <th className="py-2 pr-3">Personal data</th>
            <th className="py-2 pr-3">Location</th>
            <th className="py-2">Used</th>
          </tr>
        </thead>
        <tbody>
          {SUBPROCESSORS.map((processor) => (
            <tr key={processor.name} className="border-b align-top">
              <th scope="row" className="py-2 pr-3 font-semibold">
                {processor.name}
              </th>
              <td className="py-2 pr-3">{processor.purpose}</td>
              <td className="py-2 pr-3">{processor.data}</td>
              <td className="py-2 pr-3">{processor.location}</td>
              <td className="py-2">{processor.used}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
