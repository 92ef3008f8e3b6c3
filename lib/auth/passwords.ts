import { hash, verify } from "@node-rs/argon2";

/** Argon2id at OWASP's minimum: 19 MiB memory, 2 iterations, 1 lane. */
// `algorithm: 2` is Argon2id (the package exports it as a const enum, which isolated modules cannot read).
export const ARGON2_PARAMS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

// Verifying against this when the email is unknown keeps both paths equally slow.
const decoy = hash("decoy password that never matches", ARGON2_PARAMS);

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  try {
    const matches = await verify(storedHash ?? (await decoy), password);
    return storedHash !== null && matches;
  } catch {
    return false;
  }
}
