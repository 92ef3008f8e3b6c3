import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BarChart } from "@/app/_components/bar-chart";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { formatMoney } from "@/lib/dues/money";
import { loadDashboard } from "@/lib/queries/dashboard";

export const metadata: Metadata = { title: "Dashboard" };

/**
 * The first page after sign-in (promise P7): the figures the viewer's
 * capabilities allow (lib/queries/dashboard.ts), each a chart with its
 * numbers below, every number linking to the list it sums.
 */
export default async function Dashboard() {
  const { org, session, actor } = await memberRequest();
  if (!can(actor, "org:read")) notFound();
  const figures = await loadDashboard(actor);
  return (
    <section>
      <h1 className="text-2xl font-semibold">Welcome, {session.user.name}</h1>
      <p className="mt-2 text-gray-600">
        You are signed in to {org.name} as <span data-testid="role">{session.role.toLowerCase().replace("_", " ")}</span>.
      </p>
      {can(actor, "members:read") ? (
        <Link href="/members" className="btn mt-6">
          Open the member register
        </Link>
      ) : null}
      {figures.length ? (
        <div className="mt-8 grid gap-6 md:grid-cols-2">
          {figures.map((figure) => (
            <article key={figure.key} className="rounded border bg-white p-4" data-testid={`figure-${figure.key}`}>
              <h2 className="text-lg font-semibold">{figure.title}</h2>
              {figure.charts.length ? (
                figure.charts.map((chart) => <BarChart key={chart.currency ?? "count"} chart={chart} title={figure.title} />)
              ) : (
                <p className="mt-2 text-sm text-gray-600">Nothing to show yet.</p>
              )}
              <ul className="mt-3 divide-y text-sm">
                {figure.numbers.map((n) => (
                  <li key={n.key} className="flex justify-between py-1" data-testid="figure-number" data-key={n.key} data-value={n.value}>
                    <Link href={n.href} className="text-brand-700 hover:underline">
                      {n.label}
                    </Link>
                    <span className="tabular-nums">{n.currency ? formatMoney(n.value, n.currency) : n.value.toLocaleString("en-KE")}</span>
                  </li>
                ))}
              </ul>
            </article>
          ))}
        </div>
      ) : null}
    </section>
  );
}
