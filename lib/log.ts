import { randomUUID } from "node:crypto";

/**
 * Structured JSON logs. Callers pass codes and ids, never personal data;
 * errors are reduced to their name, message and stack on our side only.
 */
export function logEvent(level: "info" | "warn" | "error", message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, at: new Date().toISOString(), message, ...fields });
  (level === "error" ? process.stderr : process.stdout).write(`${line}\n`);
}

/**
 * Logs an unexpected error and returns the correlation id to show the user
 * (a fresh one, or the id the user was already shown, e.g. Next's digest).
 */
export function logError(message: string, error: unknown, fields: Record<string, unknown> = {}, id: string = randomUUID()): string {
  const detail = error instanceof Error ? { name: error.name, error: error.message, stack: error.stack } : { error: String(error) };
  logEvent("error", message, { id, ...fields, ...detail });
  return id;
}
