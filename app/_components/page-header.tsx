import type { ReactNode } from "react";

/** The top of a list page: its title, and on the right what one can do there. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="flex items-center justify-between">
      <h1 className="text-2xl font-semibold">{title}</h1>
      {children}
    </div>
  );
}
