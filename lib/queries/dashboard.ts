import { BATCH_STATUS_LABELS, BATCH_STATUSES } from "../batches/status";
import { can, type Capability } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { scope } from "../authz/scope";
import { ARREARS_AGES, selectArrearsByAge, selectDuesPerMonth, type ArrearsAge } from "../db/dashboard-figures";
import { withTenant } from "../db/tenant";
import { firstOfMonth, yearMonth, type CalendarDate } from "../dues/calendar-date";
import { minorUnitDigits } from "../dues/money";
import { donationsPerMonth } from "./donations";
import { duesToday } from "./dues";

/**
 * The dashboard (promise P7): a list of figures, each one aggregate query
 * (grouped in Postgres, so no member, invoice or payment row reaches the
 * app) and one entry in FIGURES saying who may see it. A figure is a chart
 * and the numbers under it, each number linking to the list it sums.
 *
 * Adding a figure is one query and one entry (`donationsPerMonthFigure` is
 * the shortest example).
 */

/** One bar chart: its categories (x axis) with a value per series; money in minor units of one currency. */
export type Chart = {
  unit: "money" | "count";
  currency: string | null;
  series: { key: string; label: string }[];
  rows: ({ label: string } & Record<string, number | string>)[];
};

/** A number under the charts, with the list it sums: exact minor units for money, a count otherwise. */
export type FigureNumber = { key: string; label: string; value: number; currency: string | null; href: string };

export type DashboardFigure = { key: string; title: string; charts: Chart[]; numbers: FigureNumber[] };

type FigureSource = {
  key: string;
  title: string;
  /** Every capability the viewer must hold to see the figure at all. */
  capabilities: Capability[];
  load: (actor: Actor, today: CalendarDate) => Promise<Omit<DashboardFigure, "key" | "title">>;
};

/** The twelve months ending with today's, oldest first, as "YYYY-MM". */
export function lastTwelveMonths(today: CalendarDate): string[] {
  const { year, month } = yearMonth(today);
  return Array.from({ length: 12 }, (_, i) => firstOfMonth(year, month - 11 + i).slice(0, 7));
}

const monthLabel = (month: string) =>
  new Date(`${month}-01T00:00:00Z`).toLocaleString("en-KE", { month: "short", year: "2-digit", timeZone: "UTC" });

/** Money as a chart value: the major unit (KES 1,200.50 → 1200.5), so axes read as people count money. */
const major = (minor: number, currency: string) => minor / 10 ** minorUnitDigits(currency);

/**
 * A per-month chart per currency, every month of `months` shown (a month with
 * nothing is 0), from rows of { month, currency, <series key>: minor }.
 */
export function perMonthCharts<K extends string>(months: string[], rows: ({ month: string; currency: string } & Record<K, number>)[], series: { key: K; label: string }[]): Chart[] {
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  return currencies.map((currency) => ({
    unit: "money",
    currency,
    series,
    rows: months.map((month) => {
      const row = rows.find((r) => r.month === month && r.currency === currency);
      return { label: monthLabel(month), ...Object.fromEntries(series.map((s) => [s.key, row ? major(row[s.key], currency) : 0])) };
    }),
  }));
}

/** Per currency, the sum of a series over the rows: the number under a per-month chart. */
function totals<K extends string>(rows: ({ currency: string } & Record<K, number>)[], key: K): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(row.currency, (sums.get(row.currency) ?? 0) + row[key]);
  return sums;
}

const duesPerMonth: FigureSource = {
  key: "dues-per-month",
  title: "Dues collected against invoiced, last 12 months",
  capabilities: ["dues:read"],
  load: async (actor, today) => {
    scope(actor, "duesInvoice");
    const months = lastTwelveMonths(today);
    const rows = await withTenant(actor.organizationId, (tx) => selectDuesPerMonth(tx, actor.organizationId, twelveMonthsFrom(today), today));
    const charts = perMonthCharts(
      months,
      rows.map((r) => ({ month: r.month, currency: r.currency, invoiced: r.invoiced_minor, collected: r.collected_minor })),
      [
        { key: "invoiced", label: "Invoiced" },
        { key: "collected", label: "Collected" },
      ],
    );
    const invoiced = totals(rows, "invoiced_minor");
    const collected = totals(rows, "collected_minor");
    return {
      charts,
      numbers: [...invoiced.keys()].sort().flatMap((currency) => [
        { key: `invoiced-${currency}`, label: "Invoiced in 12 months", value: invoiced.get(currency)!, currency, href: "/dues/invoices" },
        { key: `collected-${currency}`, label: "Collected in 12 months", value: collected.get(currency)!, currency, href: "/dues/invoices?state=paid" },
      ]),
    };
  },
};

const AGE_LABELS: Record<ArrearsAge, string> = { "0-30": "0–30 days late", "31-90": "31–90 days late", "90+": "Over 90 days late" };

const arrearsByAge: FigureSource = {
  key: "arrears-by-age",
  title: "Arrears by age",
  capabilities: ["dues:read"],
  load: async (actor, today) => {
    scope(actor, "duesInvoice");
    const rows = await withTenant(actor.organizationId, (tx) => selectArrearsByAge(tx, actor.organizationId, today));
    const currencies = [...new Set(rows.map((r) => r.currency))].sort();
    const owed = (age: ArrearsAge, currency: string) => rows.find((r) => r.age === age && r.currency === currency)?.balance_minor ?? 0;
    return {
      charts: currencies.map((currency) => ({
        unit: "money",
        currency,
        series: [{ key: "owed", label: "Owed" }],
        rows: ARREARS_AGES.map((age) => ({ label: AGE_LABELS[age], owed: major(owed(age, currency), currency) })),
      })),
      numbers: currencies.flatMap((currency) =>
        ARREARS_AGES.map((age) => ({ key: `arrears-${age}-${currency}`, label: AGE_LABELS[age], value: owed(age, currency), currency, href: "/dues/arrears" })),
      ),
    };
  },
};

const donationsPerMonthFigure: FigureSource = {
  key: "donations-per-month",
  title: "Donations received, last 12 months",
  capabilities: ["donations:read"],
  load: async (actor, today) => {
    const months = lastTwelveMonths(today);
    const { year, month } = yearMonth(today);
    const rows = await donationsPerMonth(actor, twelveMonthsFrom(today), firstOfMonth(year, month + 1));
    const received = totals(rows, "amountMinor");
    return {
      charts: perMonthCharts(months, rows.map((r) => ({ month: r.month, currency: r.currency, received: r.amountMinor })), [{ key: "received", label: "Received" }]),
      numbers: [...received.keys()].sort().map((currency) => ({ key: `donations-${currency}`, label: "Donations in 12 months", value: received.get(currency)!, currency, href: "/donations" })),
    };
  },
};

const STATUS_LABEL = (status: string) => status.charAt(0) + status.slice(1).toLowerCase();

const welfareCases: FigureSource = {
  key: "welfare-cases",
  title: "Welfare cases by status",
  capabilities: ["welfare:read"],
  load: async (actor) => {
    const rows = await withTenant(actor.organizationId, (tx) =>
      tx.welfareCase.groupBy({ by: ["status"], where: { organizationId: actor.organizationId }, _count: { _all: true }, orderBy: { status: "asc" } }),
    );
    // Open cases are always shown, none open included.
    const counts = new Map<string, number>([["OPEN", 0], ...rows.map((r): [string, number] => [r.status, r._count._all])]);
    return {
      charts: [{ unit: "count", currency: null, series: [{ key: "cases", label: "Cases" }], rows: [...counts].map(([status, cases]) => ({ label: STATUS_LABEL(status), cases })) }],
      numbers: [...counts].map(([status, cases]) => ({ key: `welfare-${status.toLowerCase()}`, label: `${STATUS_LABEL(status)} cases`, value: cases, currency: null, href: "/welfare" })),
    };
  },
};

const beneficiariesPerLocation: FigureSource = {
  key: "beneficiaries-per-location",
  title: "Beneficiaries per location",
  capabilities: ["programs:read", "beneficiaries:read"],
  load: async (actor) => {
    const locationWhere = scope(actor, "location");
    const beneficiaryWhere = scope(actor, "beneficiary");
    const locations = await withTenant(actor.organizationId, (tx) =>
      tx.location.findMany({
        where: locationWhere,
        orderBy: [{ program: { name: "asc" } }, { name: "asc" }],
        select: { id: true, name: true, program: { select: { id: true, name: true } }, _count: { select: { beneficiaries: { where: beneficiaryWhere } } } },
      }),
    );
    const programs = new Map<string, { name: string; count: number }>();
    for (const l of locations) {
      const program = programs.get(l.program.id) ?? { name: l.program.name, count: 0 };
      programs.set(l.program.id, { ...program, count: program.count + l._count.beneficiaries });
    }
    return {
      charts: [
        {
          unit: "count",
          currency: null,
          series: [{ key: "beneficiaries", label: "Beneficiaries" }],
          rows: locations.map((l) => ({ label: l.name, beneficiaries: l._count.beneficiaries })),
        },
      ],
      numbers: [...programs].map(([id, p]) => ({ key: `program-${id}`, label: p.name, value: p.count, currency: null, href: `/programs/${id}` })),
    };
  },
};

const batchesByStatus: FigureSource = {
  key: "batches-by-status",
  title: "Beneficiary batches by status",
  capabilities: ["batches:manage"],
  load: async (actor) => {
    const where = scope(actor, "batch");
    const rows = await withTenant(actor.organizationId, (tx) => tx.beneficiaryBatch.groupBy({ by: ["status"], where, _count: { _all: true } }));
    const count = (status: string) => rows.find((r) => r.status === status)?._count._all ?? 0;
    return {
      charts: [{ unit: "count", currency: null, series: [{ key: "batches", label: "Batches" }], rows: BATCH_STATUSES.map((status) => ({ label: BATCH_STATUS_LABELS[status], batches: count(status) })) }],
      numbers: BATCH_STATUSES.map((status) => ({ key: `batches-${status.toLowerCase()}`, label: `${BATCH_STATUS_LABELS[status]} batches`, value: count(status), currency: null, href: "/batches" })),
    };
  },
};

/** Every figure, in the order the dashboard shows them. */
export const FIGURES: readonly FigureSource[] = [duesPerMonth, arrearsByAge, donationsPerMonthFigure, welfareCases, beneficiariesPerLocation, batchesByStatus];

/** The figures the actor may see, loaded side by side: one query (and its tenant transaction) each. */
export async function loadDashboard(actor: Actor, today: CalendarDate = duesToday()): Promise<DashboardFigure[]> {
  const visible = FIGURES.filter((figure) => figure.capabilities.every((capability) => can(actor, capability)));
  return Promise.all(visible.map(async ({ key, title, load }) => ({ key, title, ...(await load(actor, today)) })));
}

/** The first day of the month eleven months before today's: where the per-month figures start. */
export const twelveMonthsFrom = (today: CalendarDate): CalendarDate => `${lastTwelveMonths(today)[0]}-01`;
