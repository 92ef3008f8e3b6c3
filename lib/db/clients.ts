import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { env } from "../env";

/**
 * Two database roles, two clients. `appDb` connects as harambee_app (RLS
 * applies); `platformDb` as harambee_platform (BYPASSRLS) and is for platform
 * administration, jobs and reporting only — lint forbids importing it elsewhere.
 */
export type Db = PrismaClient;

const globalClients = globalThis as unknown as { harambeeApp?: PrismaClient; harambeePlatform?: PrismaClient };

function connect(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }) });
}

export function appDb(): PrismaClient {
  globalClients.harambeeApp ??= connect(env().appDatabaseUrl);
  return globalClients.harambeeApp;
}

export function platformDbClient(): PrismaClient {
  globalClients.harambeePlatform ??= connect(env().platformDatabaseUrl);
  return globalClients.harambeePlatform;
}

export async function disconnectAll(): Promise<void> {
  await Promise.all([globalClients.harambeeApp?.$disconnect(), globalClients.harambeePlatform?.$disconnect()]);
  globalClients.harambeeApp = undefined;
  globalClients.harambeePlatform = undefined;
}
