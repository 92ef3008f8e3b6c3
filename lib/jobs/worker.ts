import type PgBoss from "pg-boss";
import { logError, logEvent } from "../log";
import { withRequestId } from "../context/request-id";
import { startHeartbeat, type Heartbeat } from "./heartbeat";
import { JOB_REQUEST_ID, startQueue, stopQueue } from "./queue";
import type { JobDefinition } from "./registry";

/**
 * The worker: this process's queue as the platform role, a queue, a handler
 * and (when the job has one) a cron schedule per job. One JSON line per job
 * started, finished or failed, with the job's name and id, never its data;
 * a job enqueued during a request runs under that request's id. Its
 * heartbeat (./heartbeat.ts) tells /api/health it is alive.
 */
export type RunningWorker = {
  /** Stops fetching; jobs in flight get up to `timeoutMs` to finish (then pg-boss fails them for retry). */
  stop(timeoutMs?: number): Promise<void>;
};

export async function startWorker(jobs: readonly JobDefinition[]): Promise<RunningWorker> {
  const names = jobs.map((job) => job.name);
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length) throw new Error(`jobs defined twice: ${repeated.join(", ")}`);

  const boss = await startQueue("platform");
  let heartbeat: Heartbeat;
  try {
    for (const job of jobs) {
      const queue = { name: job.name, ...job.options };
      await boss.createQueue(job.name, queue);
      // createQueue leaves an existing queue as it was: the job's options as defined now win.
      await boss.updateQueue(job.name, queue);
      await boss.work<object>(job.name, { includeMetadata: true }, ([task]) => runOne(job, task));
      if (job.schedule) await boss.schedule(job.name, job.schedule, {});
      if (job.onWorkerStart) await boss.send(job.name, job.onWorkerStart);
    }
    // The list is the truth for schedules too: a job removed, or no longer scheduled, stops being enqueued.
    for (const { name } of await boss.getSchedules()) {
      if (!jobs.some((job) => job.name === name && job.schedule)) await boss.unschedule(name);
    }
    heartbeat = await startHeartbeat();
  } catch (error) {
    await stopQueue();
    throw error;
  }
  logEvent("info", "worker.started", { jobs: names });
  return {
    stop: async (timeoutMs) => {
      try {
        await heartbeat.stop();
      } finally {
        await stopQueue(timeoutMs);
      }
      logEvent("info", "worker.stopped");
    },
  };
}

// pg-boss hands its handler a batch; the default batch is one job. A job runs under the id of the
// request that enqueued it, or (a scheduled one) under its own job id, which its log lines and audit entries then share.
function runOne(job: JobDefinition, task: PgBoss.JobWithMetadata<object>): Promise<void> {
  const { [JOB_REQUEST_ID]: requestId, ...data } = task.data as Record<string, unknown>;
  return withRequestId(typeof requestId === "string" ? requestId : task.id, () => runTask(job, task, data));
}

async function runTask(job: JobDefinition, task: PgBoss.JobWithMetadata<object>, data: object): Promise<void> {
  const fields = { job: job.name, jobId: task.id, attempt: task.retryCount + 1 };
  const started = Date.now();
  logEvent("info", "job.started", fields);
  try {
    await job.run(data);
  } catch (error) {
    logError("job.failed", error, { ...fields, ms: Date.now() - started });
    throw error;
  }
  logEvent("info", "job.finished", { ...fields, ms: Date.now() - started });
}
