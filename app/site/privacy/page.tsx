import type { Metadata } from "next";
import Link from "next/link";
import { env } from "@/lib/env";
import { LAWFUL_BASES, RETENTION } from "@/lib/privacy/notice";
import { PromiseLinks } from "../promise-links";

export const metadata: Metadata = { title: "Privacy" };

export default function PrivacyPage() {
  const contact = `privacy@${env().APP_ROOT_DOMAIN}`;
  return (
    <main className="mx-auto max-w-3xl px-6 py-12 text-gray-700">
      <h1 className="text-3xl font-bold text-brand-900">Privacy notice</h1>
      <p className="mt-4">
        Harambee runs membership registers, dues, donations, welfare cases and field programs for clubs and NGOs.
        Each organisation decides what it records about its members and beneficiaries and is the controller of that
        data; we process it on its instructions and never sell it or use it for anything else.
        <PromiseLinks ids={["B5.4"]} />
      </p>

      <section id="lawful-bases" className="mt-10">
        <h2 className="text-xl font-semibold text-gray-900">Lawful bases</h2>
        <p className="mt-2">
          Each organisation records the lawful basis for every category of data it processes; these are the usual ones.
          <PromiseLinks ids={["B5.2"]} />
        </p>
        <dl className="mt-3 space-y-2">
          {LAWFUL_BASES.map((row) => (
            <div key={row.data}>
              <dt className="font-medium text-gray-900">{row.data}</dt>
              <dd>{row.basis}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section id="retention" className="mt-10">
        <h2 className="text-xl font-semibold text-gray-900">How long we keep it</h2>
        <ul className="mt-3 list-disc space-y-2 pl-5">
          {RETENTION.map((row) => (
            <li key={row.data}>
              <span className="font-medium text-gray-900">{row.data}:</span> {row.kept}
              <PromiseLinks ids={row.ids} />
            </li>
          ))}
        </ul>
      </section>

      <section id="rights" className="mt-10">
        <h2 className="text-xl font-semibold text-gray-900">Your rights</h2>
        <p className="mt-2">
          You can ask the organisation you belong to for a copy of your data (as JSON and CSV, which you can take
          elsewhere), to correct it, or to erase it. Erasure removes your personal details; payment totals and the
          audit trail, which hold none of them, remain. Organisations answer these requests from within Harambee, and we
          help them within the legal time limits.
          <PromiseLinks ids={["B5.1"]} />
        </p>
        <p className="mt-2">
          Organisations with members in the EU can ask for their data to be kept in EU regions.
          <PromiseLinks ids={["B5.3"]} />
        </p>
        <p className="mt-2">
          If something goes wrong, we tell affected organisations within 72 hours of learning of it.
          <PromiseLinks ids={["M10.2"]} />
        </p>
      </section>

      <section id="contact" className="mt-10">
        <h2 className="text-xl font-semibold text-gray-900">Contact</h2>
        <p className="mt-2">
          Write to <a href={`mailto:${contact}`}>{contact}</a>. The companies that process data for us are listed on{" "}
          <Link href="/subprocessors">sub-processors</Link>; how we protect it is on <Link href="/security">security</Link>.
        </p>
      </section>
    </main>
  );
}
