import PgBoss from "pg-boss";
import { env } from "../env";
import { currentRequestId } from "../context/request-id";
import { logError } from "../log";

/**
 * The job queue (pg-boss on the app's own PostgreSQL), one per process.
 * `npm run migrate` installs its schema as the owner; at runtime it is only
 * used, never created or upgraded.
 *
 * Two roles, as everywhere else: the worker runs jobs as the platform role
 * (jobs work across organisations, like every platform service); a web
 * process only adds jobs, as the app role, which may insert a job and learn
 * its id but not read, change or delete any job (scripts/lib/job-schema.ts).
 */
export const JOB_SCHEMA = "pgboss";

/** The job data's field for the id of the request that enqueued it; the worker logs the job under it and hands `run` the rest. */
export const JOB_REQUEST_ID = "_requestId";

export type QueueRole = "platform" | "app";

export type EnqueueOptions = Omit<PgBoss.SendOptions, "db">;

/** pg-boss's schema is absent, older than this code, or not granted to the role: `npm run migrate` fixes all three. */
export class JobSchemaMissingError extends Error {
  constructor(cause: unknown) {
    super(`the job schema "${JOB_SCHEMA}" is missing or out of date: run npm run migrate`, { cause });
    this.name = "JobSchemaMissingError";
  }
}

let open: { role: QueueRole; boss: Promise<PgBoss> } | undefined;

/** This process's queue, started on first use; asking for it as the other role is a mistake in the caller. */
export function startQueue(role: QueueRole): Promise<PgBoss> {
  if (open && open.role !== role) throw new Error(`the job queue is already open as the ${open.role} role`);
  if (!open) {
    const boss = connect(role).catch((error: unknown) => {
      open = undefined;
      throw error;
    });
    open = { role, boss };
  }
  return open.boss;
}

async function connect(role: QueueRole): Promise<PgBoss> {
  const { platformDatabaseUrl, appDatabaseUrl } = env();
  const worker = role === "platform";
  const boss = new PgBoss({
    connectionString: worker ? platformDatabaseUrl : appDatabaseUrl,
    schema: JOB_SCHEMA,
    migrate: false,
    max: 4,
    application_name: worker ? "harambee-worker" : "harambee-web",
    // Maintenance (expiry, archiving) and cron belong to the worker; a web process only sends.
    supervise: worker,
    schedule: worker,
  });
  boss.on("error", (error) => logError("jobs.queue_error", error, { role }));
  try {
    await boss.start();
  } catch (error) {
    throw isSchemaProblem(error) ? new JobSchemaMissingError(error) : error;
  }
  return boss;
}

/** pg-boss's own start-up check (pinned 10.x wording), or the schema not granted to this role. */
function isSchemaProblem(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (/^pg-boss (is not installed|database requires migrations)$/.test(error.message)) return true;
  return (error as { code?: string }).code === "42501" && error.message.includes(`schema ${JOB_SCHEMA}`);
}

/** Stops this process's queue; the worker's jobs in flight get up to `timeoutMs` to finish, then pg-boss fails them for retry. */
export async function stopQueue(timeoutMs = 30_000): Promise<void> {
  const current = open;
  open = undefined;
  const boss = await current?.boss.catch(() => undefined);
  await boss?.stop({ graceful: true, timeout: timeoutMs, wait: true });
}

/**
 * Adds a job: from a web request (the app role's queue, opened on first use)
 * or from a job (the worker's queue). Returns its id, or null when the
 * queue's policy or a `singletonKey` turned it away as a duplicate. A queue
 * that does not exist (no worker has run that job yet) is an error, where
 * pg-boss alone would drop the job and return null too. Enqueued while a
 * request runs, the job carries the request's id (JOB_REQUEST_ID).
 */
export async function enqueue(name: string, data: object, options: EnqueueOptions = {}): Promise<string | null> {
  try {
    const boss = await (open?.boss ?? startQueue("app"));
    const requestId = currentRequestId();
    const id = await boss.send(name, requestId ? { ...data, [JOB_REQUEST_ID]: requestId } : data, options);
    if (id === null && !(await boss.getQueue(name))) throw new Error(`no job queue named "${name}": the worker creates it when it starts with that job`);
    return id;
  } catch (error) {
    logError("jobs.enqueue_failed", error, { job: name });
    throw error;
  }
}
