import { computeBlindIndex } from "../crypto/blind-index";
import type { IndexKind } from "../crypto/normalize";
import { env } from "../env";

/** The blind index to search for, under the app's keyring; null when the value has no canonical form. */
export function searchIndex(kind: IndexKind, value: string): string | null {
  return computeBlindIndex(env().keyring, kind, value);
}
