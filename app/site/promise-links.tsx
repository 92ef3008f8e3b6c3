import Link from "next/link";
import { promiseAnchor, promiseMap, type PromiseStatus } from "@/lib/security/promise-map";

const LABEL: Record<PromiseStatus, string> = { kept: "tested", partly: "partly built", "not yet": "in progress" };
const STYLE: Record<PromiseStatus, string> = {
  kept: "border-brand-600 text-brand-700",
  partly: "border-amber-500 text-amber-700",
  "not yet": "border-gray-300 text-gray-500",
};

/** Each claim's promise IDs, linked to the public map and showing its status there (docs/SECURITY.md). */
export function PromiseLinks({ ids }: { ids: readonly string[] }) {
  const map = promiseMap();
  return (
    <span className="ml-1 inline-flex flex-wrap gap-1 align-middle">
      {ids.map((id) => {
        const status = map.get(id)?.status ?? "not yet";
        return (
          <Link
            key={id}
            href={promiseAnchor(id)}
            data-promise={id}
            data-status={status}
            className={`rounded border px-1.5 py-0.5 text-xs no-underline ${STYLE[status]}`}
          >
            {id} · {LABEL[status]}
          </Link>
        );
      })}
    </span>
  );
}
