"use client";

import { Bar, BarChart as RechartsBarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Chart } from "@/lib/queries/dashboard";

/** Bar colours by series position: the brand green, then a slate that prints apart from it. */
const COLOURS = ["#1f7a55", "#64748b", "#b45309"];

/**
 * One dashboard chart (recharts, rendered in the browser as SVG). Values
 * arrive already in the major unit; animation is off so the bars are drawn
 * at once, for people and for the screenshot test alike.
 */
export function BarChart({ chart, title }: { chart: Chart; title: string }) {
  const number =
    chart.unit === "money" && chart.currency
      ? new Intl.NumberFormat("en-KE", { style: "currency", currency: chart.currency, notation: "compact" })
      : new Intl.NumberFormat("en-KE");
  const exact = chart.unit === "money" && chart.currency ? new Intl.NumberFormat("en-KE", { style: "currency", currency: chart.currency }) : number;
  return (
    <div className="h-64 w-full" role="figure" aria-label={chart.currency ? `${title} (${chart.currency})` : title} data-testid="chart">
      <ResponsiveContainer width="100%" height="100%">
        <RechartsBarChart data={chart.rows} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 12 }} interval="preserveStartEnd" />
          <YAxis tickFormatter={(v: number) => number.format(v)} tick={{ fontSize: 12 }} width={72} allowDecimals={false} />
          <Tooltip formatter={(v) => exact.format(Number(v))} />
          {chart.series.length > 1 ? <Legend /> : null}
          {chart.series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={COLOURS[i % COLOURS.length]} isAnimationActive={false} />
          ))}
        </RechartsBarChart>
      </ResponsiveContainer>
    </div>
  );
}
