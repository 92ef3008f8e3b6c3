import type { Metadata } from "next";
import { promiseMap } from "@/lib/security/promise-map";

export const metadata: Metadata = { title: "Promise map" };

/** `code` spans of the markdown cell as <code>, the rest as text (React escapes both). */
function Cell({ text }: { text: string }) {
  return (
    <>
      {text.split("`").map((part, index) => (index % 2 === 1 ? <code key={index} className="text-xs">{part}</code> : part))}
    </>
  );
}

/** docs/SECURITY.md, as shipped with this build: every promise, the code that keeps it, the test that proves it. */
export default function PromisesPage() {
  const rows = [...promiseMap().values()];
  return (
    <main className="mx-auto max-w-5xl px-6 py-12">
      <h1 className="text-3xl font-bold text-brand-900">Promise map</h1>
      <p className="mt-4 text-gray-700">
        Each promise on our security page, the code that keeps it and the automated test that proves it. This page
        is generated from <code>docs/SECURITY.md</code> in the release you are using.
      </p>
      <table className="mt-8 w-full border-collapse text-left text-sm">
        <thead>
          <tr className="border-b">
            <th className="py-2 pr-3">ID</th>
            <th className="py-2 pr-3">Promise</th>
            <th className="py-2 pr-3">Status</th>
            <th className="py-2 pr-3">Kept by</th>
            <th className="py-2">Proven by</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} id={row.id} className="border-b align-top target:bg-brand-50">
              <td className="py-2 pr-3 font-semibold">{row.id}</td>
              <td className="py-2 pr-3">
                <Cell text={row.promise} />
              </td>
              <td className="py-2 pr-3">{row.status}</td>
              <td className="py-2 pr-3">
                <Cell text={row.keptBy} />
              </td>
              <td className="py-2">
                <Cell text={row.provenBy} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
