import type PgBoss from "pg-boss";

/**
 * What a background job is: a name, an optional cron schedule, the work, and
 * how its queue behaves. Each job lives in its own module under lib/jobs and
 * is listed in lib/jobs/index.ts, which the worker reads.
 */

/** The queue's behaviour (pg-boss queue options): `policy` for de-duplication, retries, time limit, retention. */
export type JobOptions = Omit<PgBoss.Queue, "name">;

export type JobDefinition<T extends object = object> = {
  /** Dotted lowercase words, e.g. "dues.issue-invoices": the queue, what enqueue() takes, what the logs say. */
  name: string;
  /** Cron, in UTC (e.g. "0 6 1 * *"): the worker enqueues the job on it with data `{}`. */
  schedule?: string;
  /**
   * The work. Its data is input like any other (a web request wrote it):
   * parse it with the resource's zod schema before trusting it. Throwing
   * fails the job, which pg-boss retries as its options say.
   */
  run(data: T): Promise<void>;
  /** Enqueued with this data once whenever a worker starts: to pick up at once what a worker that died left behind. */
  onWorkerStart?: T;
  options?: JobOptions;
};

// No underscores: pg-boss names its own queues "__pgboss__…".
const NAME_WORD = /^[a-z][a-z0-9-]*$/;

export function defineJob<T extends object = object>(job: JobDefinition<T>): JobDefinition<T> {
  if (!job.name.split(".").every((word) => NAME_WORD.test(word))) throw new Error(`job name "${job.name}": use dotted lowercase words, e.g. "dues.issue-invoices"`);
  return job;
}
