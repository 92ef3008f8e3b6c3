import { z } from "zod";
import { KEY_ID_PATTERN } from "../crypto/keyring";
import { definePlatformMutation } from "./platform-mutation";

/**
 * What `npm run keys:rotate` and `keys:reindex` did, on the platform chain: a
 * run touches every organisation, and what it records holds counts, never a value.
 */
const counts = z.record(z.string(), z.number().int().nonnegative());

export const recordKeyRotation = definePlatformMutation({
  action: "keys.rotate",
  capability: "platform:keys",
  input: z.object({ keyId: z.string().regex(KEY_ID_PATTERN), rotated: counts, remaining: z.number().int().nonnegative() }),
  run: async (_tx, { keyId, rotated, remaining }) => ({
    result: null,
    organizationIds: [],
    audit: {
      summary: `${Object.values(rotated).reduce((a, b) => a + b, 0)} value(s) re-encrypted under key ${keyId}`,
      after: { keyId, rotated, remaining },
    },
  }),
});

/** What `npm run keys:reindex` did: indexes rewritten, values it could not read, indexes left in the legacy form. */
export const recordReindex = definePlatformMutation({
  action: "keys.reindex",
  capability: "platform:keys",
  input: z.object({ rotated: counts, remaining: z.number().int().nonnegative(), legacy: z.number().int().nonnegative() }),
  run: async (_tx, { rotated, remaining, legacy }) => ({
    result: null,
    organizationIds: [],
    audit: { summary: `${Object.values(rotated).reduce((a, b) => a + b, 0)} blind index(es) recomputed`, after: { rotated, remaining, legacy } },
  }),
});
