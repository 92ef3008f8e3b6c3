"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

type Progress = { status: string; valid: number; done: number; rowsPerSecond: number | null; etaSeconds: number | null; percent: number };

/** Polls the batch's progress every second until it is processed, then refreshes the page. */
export function ProgressBar({ batchId, initial }: { batchId: string; initial: Progress }) {
  const router = useRouter();
  const [progress, setProgress] = useState(initial);
  useEffect(() => {
    if (progress.status === "PROCESSED") return;
    const timer = setTimeout(async () => {
      const response = await fetch(`/batches/${batchId}/progress`, { cache: "no-store" }).catch(() => null);
      const next = response?.ok ? ((await response.json()) as Progress) : progress;
      setProgress({ ...next });
      if (next.status === "PROCESSED") router.refresh();
    }, 1000);
    return () => clearTimeout(timer);
  }, [batchId, progress, router]);
  return (
    <div className="mt-4 max-w-xl" data-testid="batch-progress">
      <div className="h-3 w-full rounded bg-gray-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress.percent} aria-label="Import progress">
        <div className="h-3 rounded bg-brand-600" style={{ width: `${progress.percent}%` }} />
      </div>
      <p className="mt-1 text-sm text-gray-700">
        <span data-testid="progress-percent">{progress.percent} %</span> · {progress.done.toLocaleString("en")} of {progress.valid.toLocaleString("en")} rows
        {progress.rowsPerSecond ? ` · ${progress.rowsPerSecond.toLocaleString("en")} rows/s` : ""}
        {progress.etaSeconds !== null && progress.status !== "PROCESSED" ? ` · about ${progress.etaSeconds} s left` : ""}
      </p>
    </div>
  );
}
