import type { Decision } from "./limits";

/**
 * The fixed-window counter of `@upstash/ratelimit`, in this process's memory.
 * Used only when no Redis is configured and not in production (or the
 * single-instance demo): every instance would count on its own.
 */
export function inProcessWindow(attempts: number, windowMs: number) {
  const counts = new Map<string, { bucket: number; used: number }>();
  return {
    limit(identifier: string): Decision {
      const bucket = Math.floor(Date.now() / windowMs);
      const entry = counts.get(identifier);
      const used = entry && entry.bucket === bucket ? entry.used + 1 : 1;
      counts.set(identifier, { bucket, used });
      return { success: used <= attempts, reset: (bucket + 1) * windowMs };
    },
  };
}
