import type pg from "pg";
import { z } from "zod";
import type { ObjectStore } from "../../lib/storage";

/**
 * A backup is two objects under backups/: `<stamp>.dump.age` (pg_dump's custom
 * format, age-encrypted) and `<stamp>.manifest.json`, written after it. The
 * manifest says what the dump must hold: its size and SHA-256 (a truncated or
 * altered file), every table's row count and every audit chain's head (a dump
 * that lost rows, or a chain cut short at its end, which a chain's own links
 * cannot show), all read in the dump's own snapshot.
 */
export const BACKUP_PREFIX = "backups/";

const chainHead = z.object({
  chain: z.string(),
  organizationId: z.uuid().nullable(),
  seq: z.string().regex(/^\d+$/).nullable(),
  hash: z.string().nullable(),
});
export type ChainHead = z.infer<typeof chainHead>;

export const manifestSchema = z.object({
  format: z.literal(1),
  stamp: z.string(),
  createdAt: z.iso.datetime(),
  database: z.string(),
  dump: z.object({ key: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  encryption: z.object({ tool: z.literal("age"), recipient: z.string() }),
  postgres: z.object({ serverVersionNum: z.number().int(), major: z.number().int(), pgDump: z.string() }),
  tables: z.record(z.string(), z.number().int().nonnegative()),
  chains: z.array(chainHead),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** 2026-12-10T03:00:00.123Z → 20261210T030000.123Z (sorts as time does; a valid object key). */
export function backupStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "");
}

export function stampDate(stamp: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z$/.exec(stamp);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`) : null;
}

export const dumpKey = (stamp: string) => `${BACKUP_PREFIX}${stamp}.dump.age`;
export const manifestKey = (stamp: string) => `${BACKUP_PREFIX}${stamp}.manifest.json`;

/** The stamps of complete backups (those with a manifest), oldest first. */
export async function listBackups(store: ObjectStore): Promise<string[]> {
  const objects = await store.list(BACKUP_PREFIX);
  return objects
    .map((o) => /^backups\/([^/]+)\.manifest\.json$/.exec(o.key)?.[1])
    .filter((stamp): stamp is string => stamp !== undefined && stampDate(stamp) !== null);
}

/** A stamp, or "latest" for the newest complete backup. */
export async function resolveStamp(store: ObjectStore, stampOrLatest: string): Promise<string> {
  if (stampOrLatest !== "latest") return stampOrLatest;
  const latest = (await listBackups(store)).at(-1);
  if (!latest) throw new Error(`no backups in ${store.describe()}/${BACKUP_PREFIX}`);
  return latest;
}

export async function readManifest(store: ObjectStore, stamp: string): Promise<Manifest> {
  let text: Buffer;
  try {
    text = await store.read(manifestKey(stamp));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`no backup ${stamp} in ${store.describe()} (no ${manifestKey(stamp)})`);
    throw error;
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text.toString("utf8")));
  if (!parsed.success) throw new Error(`${manifestKey(stamp)} is not a backup manifest: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

export type Census = { tables: Record<string, number>; chains: ChainHead[] };

/**
 * Every table's row count (schema-qualified; leaf tables only, so a partitioned
 * table is counted once, by its partitions) and every audit chain's last entry:
 * the platform's first, then each organisation's by slug. Run it in the dump's
 * snapshot, through a role that row-level security does not filter.
 */
export async function takeCensus(client: pg.ClientBase): Promise<Census> {
  const { rows: tables } = await client.query<{ name: string; ident: string }>(
    `SELECT n.nspname || '.' || c.relname AS name, format('%I.%I', n.nspname, c.relname) AS ident
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
      ORDER BY 1`,
  );
  const counted = tables.length
    ? await client.query<{ name: string; rows: string }>(tables.map((t, i) => `SELECT $${i + 1}::text AS name, count(*)::text AS rows FROM ${t.ident}`).join(" UNION ALL "), tables.map((t) => t.name))
    : { rows: [] };
  const { rows: chains } = await client.query<{ chain: string; organization_id: string | null; seq: string | null; hash: string | null }>(
    `SELECT chain, organization_id, seq, hash FROM (
       SELECT 0 AS platform_last, 'platform' AS chain, NULL::uuid AS organization_id, h.seq::text AS seq, h.hash
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (SELECT seq, hash FROM audit_entry WHERE organization_id IS NULL ORDER BY seq DESC, id DESC LIMIT 1) h ON true
       UNION ALL
       SELECT 1, o.slug, o.id, h.seq::text, h.hash
         FROM organization o
         LEFT JOIN LATERAL (SELECT seq, hash FROM audit_entry a WHERE a.organization_id = o.id ORDER BY a.seq DESC, a.id DESC LIMIT 1) h ON true
     ) AS heads ORDER BY platform_last, chain`,
  );
  return {
    tables: Object.fromEntries(counted.rows.map((r) => [r.name, Number(r.rows)])),
    chains: chains.map((c) => ({ chain: c.chain, organizationId: c.organization_id, seq: c.seq, hash: c.hash })),
  };
}

const describeHead = (c: ChainHead) => (c.seq === null ? "none (empty)" : `#${c.seq} ${c.hash}`);

/** Every way `found` differs from `expected`, one line each, naming the table or chain. */
export function compareCensus(expected: Census, found: Census): string[] {
  const problems: string[] = [];
  for (const [table, rows] of Object.entries(expected.tables)) {
    const restored = found.tables[table];
    if (restored === undefined) problems.push(`table ${table}: missing (manifest: ${rows} rows)`);
    else if (restored !== rows) problems.push(`table ${table}: ${restored} rows, manifest says ${rows}`);
  }
  for (const table of Object.keys(found.tables)) if (!(table in expected.tables)) problems.push(`table ${table}: not in the manifest`);
  const id = (c: ChainHead) => c.organizationId ?? "platform";
  const heads = new Map(found.chains.map((c) => [id(c), c]));
  for (const chain of expected.chains) {
    const head = heads.get(id(chain));
    if (!head) problems.push(`audit chain ${chain.chain}: missing`);
    else if (head.seq !== chain.seq || head.hash !== chain.hash) problems.push(`audit chain ${chain.chain}: head ${describeHead(head)}, manifest says ${describeHead(chain)}`);
    heads.delete(id(chain));
  }
  for (const extra of heads.values()) problems.push(`audit chain ${extra.chain}: not in the manifest`);
  return problems;
}
