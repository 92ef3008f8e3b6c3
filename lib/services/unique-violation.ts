import { conflictError } from "../errors";

/**
 * Turns a unique-index violation (Prisma P2002, a race a pre-check lost) on one
 * of the given columns into a CONFLICT with a field message; anything else is
 * rethrown. Matched by column name in the error's metadata, which names the
 * index (driver adapter) or its fields (native engine).
 */
export function onUniqueViolation(columns: Record<string, [field: string, message: string]>) {
  return (error: unknown): never => {
    const { code, meta } = (error ?? {}) as { code?: unknown; meta?: unknown };
    if (code === "P2002") {
      const described = JSON.stringify(meta ?? {});
      for (const [column, [field, message]] of Object.entries(columns)) {
        if (described.includes(column)) throw conflictError(message, { [field]: [message] });
      }
    }
    throw error;
  };
}
