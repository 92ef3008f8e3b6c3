/**
 * Prisma migrations without the native schema-engine binary: this drives the
 * WebAssembly build of Prisma's schema engine (`@prisma/schema-engine-wasm`)
 * through the pg driver adapter. Only for scripts (migrate, db:diff, tests);
 * never import it from application code.
 *
 * What works with the wasm engine (and is used here):
 *   - `diff` between two Prisma schema texts (`schemaDatamodel` / `empty`),
 *   - `applyMigrations` over `prisma/migrations/<name>/migration.sql`, which
 *     records `_prisma_migrations` exactly like `prisma migrate deploy`.
 * What does not: shadow databases and live introspection (`from: migrations`,
 * `schemaDatasource`, `url`), hence the schema snapshot kept by db:diff.
 *
 * Two fixes over a naive setup:
 *   - @prisma/adapter-pg's `executeScript` splits the script on every `;`,
 *     which breaks DO blocks / function bodies and runs each statement in its
 *     own transaction. We replace it with one simple-protocol query, so a
 *     migration runs as ONE implicit transaction (all or nothing), as the
 *     native engine does.
 *   - The engine takes a session-level advisory lock through the adapter; the
 *     pool is limited to one connection so lock, script and unlock share a
 *     session.
 */
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import type * as EngineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationDirectory, MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";

type Bindings = typeof EngineBindings;
type BoundFactory = ReturnType<typeof bindMigrationAwareSqlAdapterFactory>;

const NO_FILTERS = { externalTables: [] as string[], externalEnums: [] as string[] };
const SCHEMA_FILE = "schema.prisma";

// ---------------------------------------------------------------------------
// Loading the wasm module (once per process)
// ---------------------------------------------------------------------------

let bindingsPromise: Promise<Bindings> | null = null;
let poisoned: string | null = null;

/** The wasm side reports Rust panics here before trapping. */
function installPanicRegistry(): void {
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(m: string): void; get(): string } };
  if (g.PRISMA_WASM_PANIC_REGISTRY) return;
  let message = "";
  g.PRISMA_WASM_PANIC_REGISTRY = {
    set_message(m: string) {
      message = m;
    },
    get() {
      return message;
    },
  };
}

function lastPanicMessage(): string {
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { get(): string } };
  return g.PRISMA_WASM_PANIC_REGISTRY?.get() ?? "";
}

/**
 * The engine races some operations against JS timers (e.g. a 10 s timeout on
 * taking the migration advisory lock) but imports no clearTimeout, so a
 * finished operation leaves its timer pending and keeps the process alive for
 * up to 10 s. We track them and clear them once no engine is running.
 */
const pendingTimers = new Set<ReturnType<typeof setTimeout>>();
let activeEngines = 0;

function trackedSetTimeout(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(() => {
    pendingTimers.delete(timer);
    callback();
  }, ms >>> 0);
  pendingTimers.add(timer);
  return timer;
}

function clearTimersIfIdle(): void {
  if (activeEngines > 0) return;
  for (const t of pendingTimers) clearTimeout(t);
  pendingTimers.clear();
}

async function loadBindings(): Promise<Bindings> {
  installPanicRegistry();
  const require = createRequire(import.meta.url);
  const jsPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = path.join(path.dirname(jsPath), "schema_engine_bg.wasm");
  const bindings = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as Bindings;
  const wasmModule = await WebAssembly.compile(await readFile(wasmPath));
  // wasm-bindgen output: every import namespace is the *_bg.js glue module,
  // except that timers go through trackedSetTimeout (see above).
  const glue: WebAssembly.ModuleImports = { ...(bindings as unknown as WebAssembly.ModuleImports) };
  for (const name of Object.keys(glue)) {
    if (name.startsWith("__wbg_setTimeout_")) glue[name] = trackedSetTimeout;
  }
  const imports: WebAssembly.Imports = {};
  for (const { module: ns } of WebAssembly.Module.imports(wasmModule)) {
    imports[ns] = glue;
  }
  const instance = await WebAssembly.instantiate(wasmModule, imports);
  bindings.__wbg_set_wasm(instance.exports);
  // Initialises the externref table; what schema_engine.js does after set_wasm.
  const start = (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start;
  start?.();
  return bindings;
}

function engineBindings(): Promise<Bindings> {
  if (poisoned) {
    return Promise.reject(new Error(`schema engine is unusable after a panic in this process: ${poisoned}`));
  }
  bindingsPromise ??= loadBindings().catch((e: unknown) => {
    bindingsPromise = null;
    throw e;
  });
  return bindingsPromise;
}

// ---------------------------------------------------------------------------
// Adapter factories
// ---------------------------------------------------------------------------

/**
 * PrismaPg, but `executeScript` sends the whole migration in one simple-query
 * round trip (Postgres then runs it as one implicit transaction) instead of
 * splitting on `;`. Tracks created adapters so they can be disposed (the
 * engine never calls `dispose` itself).
 */
class OwnerPgFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "@prisma/adapter-pg";
  readonly #inner: PrismaPg;
  readonly #open = new Set<SqlDriverAdapter>();

  constructor(connectionString: string) {
    // max: 1 — the engine's session-level advisory lock/unlock must hit the same connection.
    this.#inner = new PrismaPg({ connectionString, max: 1 });
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.#inner.connect();
    const pool = adapter.underlyingDriver() as { query(sql: string): Promise<unknown> };
    const wrapped: SqlDriverAdapter = Object.create(adapter);
    wrapped.executeScript = async (script: string) => {
      try {
        await pool.query(script);
      } catch (e) {
        // Reuse the adapter's own error mapping (throws a DriverAdapterError).
        (adapter as unknown as { onError(e: unknown): never }).onError(e);
      }
    };
    this.#open.add(adapter);
    return wrapped;
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return Promise.reject(new Error("shadow databases are not supported by this migration setup"));
  }

  async disposeAll(): Promise<void> {
    const adapters = [...this.#open];
    this.#open.clear();
    await Promise.allSettled(adapters.map((a) => a.dispose()));
  }
}

/**
 * A database-free adapter for `diff` between two schema texts. The engine only
 * runs its start-up probe (namespace exists, version()) when constructed; the
 * diff itself never touches a database. Any other query is a hard error, so a
 * future engine that starts needing the database fails loudly, not wrongly.
 */
class OfflineDiffFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "@prisma/adapter-pg";

  async connect(): Promise<SqlDriverAdapter> {
    const refuse = (what: string) => async (): Promise<never> => {
      throw new Error(`diffSchemas is offline; the schema engine unexpectedly asked for ${what}`);
    };
    return {
      provider: "postgres",
      adapterName: "@prisma/adapter-pg",
      async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
        if (/\bversion\(\)/.test(query.sql) && /server_version_num/.test(query.sql)) {
          return {
            columnNames: ["exists", "version", "numeric_version"],
            columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
            rows: [[true, "PostgreSQL 15.0 (offline diff)", 150000]],
          };
        }
        throw new Error(`diffSchemas is offline; the schema engine unexpectedly queried: ${query.sql}`);
      },
      executeRaw: refuse("executeRaw"),
      executeScript: refuse("executeScript"),
      startTransaction: refuse("a transaction"),
      getConnectionInfo: () => ({ schemaName: undefined, supportsRelationJoins: true }),
      async dispose() {},
    } as SqlDriverAdapter;
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.connect();
  }
}

// ---------------------------------------------------------------------------
// Running one engine
// ---------------------------------------------------------------------------

type LogLine = { level?: string; fields?: Record<string, unknown>; target?: string };

function parseLog(raw: unknown): LogLine {
  if (typeof raw !== "string") return { fields: { message: String(raw) } };
  try {
    return JSON.parse(raw) as LogLine;
  } catch {
    return { fields: { message: raw.trim() } };
  }
}

function formatLog(line: LogLine): string {
  // Drop bulky fields (the whole migration script) from the echo.
  const rest: Record<string, unknown> = { ...line.fields };
  const message = rest.message;
  delete rest.message;
  delete rest.script;
  const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
  return `[schema-engine ${line.level ?? "?"}] ${String(message ?? "")}${extra}`;
}

/** Turns whatever the engine rejected with into an Error carrying its message. */
function engineError(e: unknown, bound: BoundFactory, logs: LogLine[]): Error {
  const original = e as { message?: string; code?: string; name?: string } | undefined;
  let message = typeof original?.message === "string" ? original.message : String(e);

  // "External error id#N": a plain JS error thrown inside the adapter; the engine
  // only saw its id in the adapter's error registry.
  message = message.replace(/External error id#(\d+)/g, (whole, id: string) => {
    const record = bound.errorRegistry.consumeError(Number(id));
    const inner = record?.error as { message?: string } | undefined;
    return inner?.message ? `${whole}: ${inner.message}` : whole;
  });

  if (e instanceof WebAssembly.RuntimeError) {
    const panic = lastPanicMessage();
    poisoned = panic || e.message;
    message = `schema engine panicked: ${panic || e.message}`;
  }

  const errorLogs = logs.filter((l) => l.level === "ERROR" || l.level === "WARN");
  const err = new Error(message, { cause: e });
  if (original?.code) (err as Error & { code?: string }).code = original.code;
  (err as Error & { engineLogs?: string[] }).engineLogs = logs.map(formatLog);
  if (errorLogs.length && !process.env.SCHEMA_ENGINE_DEBUG) {
    for (const l of errorLogs) console.error(formatLog(l));
  }
  return err;
}

async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  datamodels: [string, string][] | undefined,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const bindings = await engineBindings();
  const logs: LogLine[] = [];
  const verbose = Boolean(process.env.SCHEMA_ENGINE_DEBUG);
  const onLog = (raw: unknown) => {
    const line = parseLog(raw);
    logs.push(line);
    if (verbose) console.error(formatLog(line));
  };
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  let engine: SchemaEngine | undefined;
  activeEngines++;
  try {
    engine = await bindings.SchemaEngine.new({ datamodels }, onLog, bound);
    return await fn(engine);
  } catch (e) {
    throw engineError(e, bound, logs);
  } finally {
    try {
      engine?.free();
    } catch {
      // already freed / poisoned instance: nothing more to release on the wasm side
    }
    activeEngines--;
    clearTimersIfIdle();
    if (factory instanceof OwnerPgFactory) await factory.disposeAll();
  }
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/**
 * SQL that takes a database from `fromText` (a full Prisma schema; null = empty
 * database) to `toText`. Pure: no database is contacted. Returns "" when the
 * schemas are equivalent (the engine's "-- This is an empty migration." is
 * normalised to "").
 */
export async function diffSchemas(fromText: string | null, toText: string): Promise<string> {
  const to = { tag: "schemaDatamodel" as const, files: [{ path: SCHEMA_FILE, content: toText }] };
  const from =
    fromText === null
      ? { tag: "empty" as const }
      : { tag: "schemaDatamodel" as const, files: [{ path: SCHEMA_FILE, content: fromText }] };
  const result = await withEngine(new OfflineDiffFactory(), undefined, (engine) =>
    engine.diff({ from, to, script: true, exitCode: null, filters: NO_FILTERS }),
  );
  const script = result.stdout ?? "";
  return isEmptyMigration(script) ? "" : script;
}

/** True when a generated script contains no SQL (only comments/whitespace). */
export function isEmptyMigration(script: string): boolean {
  return (
    script
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("--")).length === 0
  );
}

/** Reads `<migrationsDir>` the way the Prisma CLI does: one folder per migration, sorted by name. */
export async function readMigrationsList(migrationsDir: string): Promise<MigrationList> {
  const baseDir = path.resolve(migrationsDir);
  const entries = await readdir(baseDir, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories: MigrationDirectory[] = [];
  for (const name of dirs) {
    const file = path.join(baseDir, name, "migration.sql");
    let content: MigrationDirectory["migrationFile"]["content"];
    try {
      content = { tag: "ok", value: await readFile(file, "utf8") };
    } catch (e) {
      content = { tag: "error", value: `Could not read ${file}: ${(e as Error).message}` };
    }
    migrationDirectories.push({ path: name, migrationFile: { path: "migration.sql", content } });
  }
  let lockContent: string | null = null;
  try {
    lockContent = await readFile(path.join(baseDir, "migration_lock.toml"), "utf8");
  } catch {
    lockContent = null;
  }
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/**
 * Applies every not-yet-applied migration in `migrationsDir` to the database at
 * `ownerUrl` (a role that owns the schema), recording them in
 * `_prisma_migrations` like `prisma migrate deploy`. Returns the names applied
 * by this call ([] when up to date). Each migration is atomic; a failing one is
 * recorded as failed (Prisma's P3009 on the next run) and its error thrown.
 */
export async function applyMigrations(ownerUrl: string, migrationsDir: string): Promise<string[]> {
  const migrationsList = await readMigrationsList(migrationsDir);
  const factory = new OwnerPgFactory(ownerUrl);
  const result = await withEngine(factory, undefined, (engine) =>
    engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
  );
  return result.appliedMigrationNames;
}

/**
 * `prisma migrate resolve --rolled-back <name>`: marks a FAILED migration as
 * rolled back (after you have undone any partial effect by hand; with this
 * setup a failed migration has already been rolled back by Postgres as a
 * whole), so the next applyMigrations retries it.
 */
export async function markMigrationRolledBack(ownerUrl: string, migrationName: string): Promise<void> {
  await withEngine(new OwnerPgFactory(ownerUrl), undefined, (engine) =>
    engine.markMigrationRolledBack({ migrationName }),
  );
}

/** Version (git hash) of the loaded schema engine, for diagnostics. */
export async function schemaEngineVersion(): Promise<string> {
  return (await engineBindings()).version();
}
