import { platformDbClient, disconnectAll } from "../lib/db/clients";
import { seedDemo } from "../prisma/seed";

/** Seeds the demo once: only when the database has no organisation yet. */
export async function seedIfEmpty(): Promise<boolean> {
  try {
    if ((await platformDbClient().organization.count()) > 0) return false;
    await seedDemo();
    return true;
  } finally {
    await disconnectAll();
  }
}
