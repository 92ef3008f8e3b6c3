import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { Keyring } from "../crypto/keyring";
import { PrismaClient } from "./generated/client";
import { env } from "../env";
import { fieldEncryption } from "./field-encryption";
import { TenantScopedClient } from "./tenant-scope";

/**
 * Two database roles, two clients. `appDb` connects as harambee_app (RLS
 * applies); `platformDb` as harambee_platform (BYPASSRLS) and is for platform
 * administration, jobs and reporting only — lint forbids importing it elsewhere.
 * Both encrypt and decrypt the declared fields (lib/crypto/fields.ts), so every
 * `withTenant`/`withPlatform` transaction does too.
 */
export type Db = PrismaClient;

const globalClients = globalThis as unknown as {
  harambeeApp?: PrismaClient;
  harambeePlatform?: PrismaClient;
  harambeeCiphertext?: PrismaClient;
};

/**
 * A client for one role. With a keyring it applies field encryption; the
 * extension changes no types (plaintext strings in and out), hence the cast.
 * Without one it reads and writes the stored form as is.
 */
export function connect(connectionString: string, keyring: Keyring | null, poolSize = env().databasePoolSize): PrismaClient {
  // Connections that can carry a tenant transaction's tenant with its BEGIN (lib/db/tenant-scope.ts).
  const pool = new pg.Pool({ connectionString, max: poolSize, Client: TenantScopedClient });
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  return keyring ? (client.$extends(fieldEncryption(keyring)) as unknown as PrismaClient) : client;
}

export function appDb(): PrismaClient {
  globalClients.harambeeApp ??= connect(env().appDatabaseUrl, env().keyring);
  return globalClients.harambeeApp;
}

export function platformDbClient(): PrismaClient {
  globalClients.harambeePlatform ??= connect(env().platformDatabaseUrl, env().keyring);
  return globalClients.harambeePlatform;
}

/** The platform role WITHOUT field encryption: key rotation works on the stored ciphertext. */
export function ciphertextDbClient(): PrismaClient {
  globalClients.harambeeCiphertext ??= connect(env().platformDatabaseUrl, null);
  return globalClients.harambeeCiphertext;
}

/**
 * Replaces the app-role client (the benchmark compares services with and
 * without field encryption in one run); returns the one it replaced.
 */
export function swapAppDb(client: PrismaClient | undefined): PrismaClient | undefined {
  const previous = globalClients.harambeeApp;
  globalClients.harambeeApp = client;
  return previous;
}

export async function disconnectAll(): Promise<void> {
  await Promise.all([
    ...[globalClients.harambeeApp, globalClients.harambeePlatform, globalClients.harambeeCiphertext].map((c) => c?.$disconnect()),
  ]);
  globalClients.harambeeApp = undefined;
  globalClients.harambeePlatform = undefined;
  globalClients.harambeeCiphertext = undefined;
}
