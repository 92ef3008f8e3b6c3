import type { Metadata } from "next";
import Link from "next/link";
import { env } from "@/lib/env";
import { securityContact } from "@/lib/security/disclosure";
import { PromiseLinks } from "../promise-links";
import { CLAIM_SECTIONS } from "./claims";

export const metadata: Metadata = { title: "Security" };

export default function SecurityPage() {
  const contact = securityContact(env().APP_ROOT_DOMAIN);
  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <h1 className="text-3xl font-bold text-brand-900">Security at Harambee</h1>
      <p className="mt-4 text-gray-700">
        Clubs and NGOs trust us with members&apos; national IDs, payments and welfare cases. Below is what the
        product does to keep them safe. Each claim links to its entry in our{" "}
        <Link href="/security/promises">promise map</Link>, which names the code that keeps it and the automated test
        that proves it; a claim marked “in progress” has no passing test yet.
      </p>

      {CLAIM_SECTIONS.map((section) => (
        <section key={section.heading} className="mt-10">
          <h2 className="text-xl font-semibold">{section.heading}</h2>
          <ul className="mt-3 list-disc space-y-2 pl-5 text-gray-700">
            {section.claims.map((claim) => (
              <li key={claim.text}>
                {claim.text}
                <PromiseLinks ids={claim.ids} />
              </li>
            ))}
          </ul>
        </section>
      ))}

      <section id="report" className="mt-12">
        <h2 className="text-xl font-semibold">Reporting a vulnerability</h2>
        <p className="mt-3 text-gray-700">
          Write to <a href={`mailto:${contact}`}>{contact}</a> with what you found and how to reproduce it. We
          acknowledge every report within three working days, keep you told as we fix it, and credit you in our{" "}
          <Link href="/security/advisories">advisory log</Link> unless you would rather we did not.
          <PromiseLinks ids={["M13.1", "B6.1"]} />
        </p>
        <p className="mt-3 text-gray-700">
          Machine-readable: <a href="/.well-known/security.txt">/.well-known/security.txt</a> (RFC 9116).
        </p>
      </section>

      <section id="policy" className="mt-10">
        <h2 className="text-xl font-semibold">Disclosure policy</h2>
        <ul className="mt-3 list-disc space-y-2 pl-5 text-gray-700">
          <li>Test only against an organisation you created yourself. Never read, change or delete anyone else&apos;s data.</li>
          <li>No denial of service, spam, social engineering or physical attacks.</li>
          <li>Give us 90 days (or until a fix ships, if sooner) before you publish; we will agree a date with you.</li>
          <li>Research done in good faith under these rules is welcome: we will not pursue or support legal action over it.</li>
        </ul>
      </section>
    </main>
  );
}
