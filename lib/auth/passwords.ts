import { hash, verify } from "@node-rs/argon2";

/**
 * Argon2id with OWASP's recommended minimum (Password Storage Cheat Sheet):
 * m = 19 MiB (19,456 KiB), t = 2 iterations, p = 1 lane, with a random 16-byte
 * salt per hash and a 32-byte output; the parameters live in each PHC-format
 * hash (`$argon2id$v=19$m=19456,t=2,p=1$…`), so raising them later re-hashes
 * nothing old and verifies both. Promise M3.1; docs/AUTH.md.
 */
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
