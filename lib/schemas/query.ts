import type { z } from "zod";

/**
 * The one way a page or route handler reads its query string: one value per
 * name (the first, when a name repeats), then the route's schema. Free-text
 * values go through `queryText` (lib/schemas/text.ts), so a term the database
 * cannot hold reads as "matches nothing"; every other value has a shape of its
 * own and falls back to "no filter" when it is malformed. A query value never
 * causes an error.
 */
export type SearchParams = Record<string, string | string[] | undefined>;

export function readQuery<S extends z.ZodType>(schema: S, params: SearchParams | URLSearchParams): z.output<S> {
  const entries = params instanceof URLSearchParams ? [...params.keys()].map((key) => [key, params.get(key)] as const) : Object.entries(params);
  const first = Object.fromEntries(entries.map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
  return schema.parse(first);
}
