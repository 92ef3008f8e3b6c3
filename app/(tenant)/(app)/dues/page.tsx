import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/app/_components/action-button";
import { ActionForm } from "@/app/_components/action-form";
import { DataTable } from "@/app/_components/data-table";
import { PageHeader } from "@/app/_components/page-header";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { formatMoney } from "@/lib/dues/money";
import { DUES_PERIOD_KIND_LABELS } from "@/lib/dues/periods";
import { listPlans, memberChoices } from "@/lib/queries/dues";
import { createPlanAction, enrolMemberAction, issueInvoiceAction, issuePeriodAction, setPlanActiveAction } from "./actions";
import { enrolFields, issueInvoiceFields, issuePeriodFields, PLAN_FIELDS } from "./fields";

export const metadata: Metadata = { title: "Dues" };

const LEVELS = { INDIVIDUAL: "Individual", FAMILY: "Family", CORPORATE: "Corporate" } as const;

export default async function DuesPage() {
  const { actor } = await memberRequest();
  const collects = can(actor, "dues:collect");
  const [plans, members] = await notFoundOnAppError(() => Promise.all([listPlans(actor), collects ? memberChoices(actor) : []]));
  const planChoices = plans.filter((p) => p.active).map((p) => ({ value: p.id, label: `${p.name} (${formatMoney(p.amountMinor, p.currency)})` }));
  const memberOptions = members.map((m) => ({
    value: m.id,
    label: `${m.lastName}, ${m.firstName}${m.duesEnrolment ? ` — on ${m.duesEnrolment.plan.name}${m.duesEnrolment.payerId === m.id ? "" : " (paid for)"}` : ""}`,
  }));
  return (
    <section>
      <PageHeader title="Dues">
        <div className="flex gap-2">
          <Link href="/dues/invoices" className="btn">
            Invoices
          </Link>
          <Link href="/dues/arrears" className="btn-quiet">
            Arrears
          </Link>
        </div>
      </PageHeader>
      <h2 className="mt-8 text-lg font-semibold">Plans</h2>
      <DataTable
        testId="plan-list"
        rows={plans}
        // By name (unique per organisation): the plan's id is then in the page only where a treasurer's form needs it.
        rowKey={(p) => p.name}
        rowAttributes={(p) => ({ "data-plan": p.name })}
        empty="No plans yet."
        columns={[
          { header: "Plan", cell: (p) => p.name },
          { header: "Covers", cell: (p) => LEVELS[p.level] },
          { header: "Amount", align: "right", className: "tabular-nums whitespace-nowrap", cell: (p) => formatMoney(p.amountMinor, p.currency) },
          { header: "Invoiced", cell: (p) => DUES_PERIOD_KIND_LABELS[p.periodKind] },
          { header: "Due / lapses", cell: (p) => `${p.dueDays} d / +${p.graceDays} d` },
          { header: "Members", align: "right", cell: (p) => p._count.enrolments },
          {
            header: "",
            cell: (p) =>
              collects ? (
                <ActionButton action={setPlanActiveAction} hidden={{ planId: p.id, active: String(!p.active) }} label={p.active ? "Retire" : "Reopen"} />
              ) : p.active ? (
                "Active"
              ) : (
                "Retired"
              ),
          },
        ]}
      />
      {collects ? (
        <div className="mt-10 grid gap-10 md:grid-cols-2">
          <div>
            <h2 className="text-lg font-semibold">New plan</h2>
            <ActionForm action={createPlanAction} fields={PLAN_FIELDS} values={{ dueDays: "30", graceDays: "90" }} submitLabel="Create plan" testId="plan-form" />
          </div>
          <div>
            <h2 className="text-lg font-semibold">Enrol a member</h2>
            <p className="mt-1 text-sm text-gray-600">On a family or corporate plan, enrol the payer first, then each member they pay for: one invoice covers them all.</p>
            <ActionForm action={enrolMemberAction} fields={enrolFields(memberOptions, planChoices)} submitLabel="Enrol" testId="enrol-form" />
          </div>
          <div>
            <h2 className="text-lg font-semibold">Issue a period&apos;s invoices</h2>
            <p className="mt-1 text-sm text-gray-600">One invoice per payer on the plan; a period already issued is never billed twice.</p>
            <ActionForm action={issuePeriodAction} fields={issuePeriodFields(planChoices)} submitLabel="Issue invoices" testId="issue-period-form" />
          </div>
          <div>
            <h2 className="text-lg font-semibold">Issue one invoice</h2>
            <ActionForm action={issueInvoiceAction} fields={issueInvoiceFields(memberOptions, planChoices)} submitLabel="Issue invoice" testId="issue-invoice-form" />
          </div>
        </div>
      ) : null}
    </section>
  );
}
