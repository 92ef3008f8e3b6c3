import { hostname } from "node:os";
import { platformDbClient } from "../db/clients";
import { logError } from "../log";

/**
 * The worker's heartbeat: its row in worker_heartbeat (one per host), its time
 * written when it starts and every WORKER_HEARTBEAT_SECONDS (15 unless set),
 * its stop written on a clean shutdown. /api/health reports a worker whose
 * newest beat is older than three intervals, or that stopped, as degraded
 * (lib/queries/health.ts), so a dead worker shows without waiting for a job.
 */
export const heartbeatSeconds = (): number => Number(process.env.WORKER_HEARTBEAT_SECONDS ?? 15);

export type Heartbeat = { stop(): Promise<void> };

export async function startHeartbeat(worker = hostname()): Promise<Heartbeat> {
  const db = platformDbClient();
  const beat = (stoppedAt: Date | null) => {
    const row = { beatAt: new Date(), stoppedAt };
    return db.workerHeartbeat.upsert({ where: { worker }, create: { worker, ...row }, update: row });
  };
  await beat(null);
  // A missed beat is logged, not fatal: health shows it if it keeps failing.
  const timer = setInterval(() => beat(null).catch((error: unknown) => logError("worker.heartbeat_failed", error)), heartbeatSeconds() * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await beat(new Date());
    },
  };
}
