import { computeBlindIndex, legacyBlindIndex } from "../crypto/blind-index";
import type { IndexKind } from "../crypto/normalize";
import { env } from "../env";

/**
 * The filter on an index column that finds `value` in this organisation: its
 * per-organisation index and, for rows `npm run keys:reindex` has not reached
 * yet, the legacy global one, so a half-migrated database still finds everyone.
 * Null when the value has no canonical form (it can match nothing).
 */
export function indexMatch(organizationId: string, kind: IndexKind, value: string): { in: string[] } | null {
  const { keyring } = env();
  const current = computeBlindIndex(keyring, organizationId, kind, value);
  if (current === null) return null;
  return { in: [current, legacyBlindIndex(keyring, kind, value)!] };
}
