import { auditCheckpoints } from "./audit-checkpoints";
import { b2cReconcile } from "./b2c-reconcile";
import { batchImports, batchResume } from "./batch-imports";
import { batchPurge } from "./batch-purge";
import { duesInvoices } from "./dues-invoices";
import { duesReminders } from "./dues-reminders";
import { mpesaReconcile } from "./mpesa-reconcile";
import type { JobDefinition } from "./registry";

/**
 * Every job the worker runs (`npm run worker`). A job is defined with
 * defineJob in its own module (lib/jobs/<noun>.ts) and listed here.
 */
export const JOBS: readonly JobDefinition[] = [duesInvoices, duesReminders, mpesaReconcile, b2cReconcile, auditCheckpoints, batchImports, batchResume, batchPurge];
