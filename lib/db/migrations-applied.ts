import type { Db } from "./clients";

/** The migrations this database has finished (and not rolled back), as `npm run migrate` recorded them. */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  return rows.map((row) => row.migration_name);
}
