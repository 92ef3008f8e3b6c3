import { appDb } from "../db/clients";
import { logError } from "../log";

export async function databaseIsUp(): Promise<boolean> {
  try {
    await appDb().district.count();
    return true;
  } catch (error) {
    logError("health check: database unreachable", error);
    return false;
  }
}
