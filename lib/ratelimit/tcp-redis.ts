import { createHash } from "node:crypto";
import Redis from "ioredis";

/**
 * The two calls `@upstash/ratelimit` makes on its client (run a Lua script by
 * hash, or by source when the server has not cached it), over a plain TCP
 * Redis with ioredis. The scripts run atomically in Redis, so concurrent
 * attempts from many app instances are counted exactly.
 *
 * The scripts' shebang asks for `flags=allow-key-locking`, which Redis before
 * 8 rejects; the flag only relaxes locking, so it is dropped here and the
 * script stays atomic as every Redis script is.
 */
export type ScriptRunner = {
  evalsha<T>(sha: string, keys: string[], args: unknown[]): Promise<T>;
  eval<T>(script: string, keys: string[], args: unknown[]): Promise<T>;
};

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
const asArgs = (args: unknown[]) => args.map((a) => (a === null || a === undefined ? "" : String(a)));
const portable = (script: string) => script.replace(/^#!lua flags=[^\n]*/, "#!lua");

export function tcpRedis(url: string): ScriptRunner & { quit(): Promise<unknown> } {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  // The limiter's hash of a script → the portable script and its own hash.
  const scripts = new Map<string, { sha: string; source: string }>();
  const run = async <T>(script: { sha: string; source: string }, keys: string[], args: unknown[]): Promise<T> => {
    try {
      return (await client.evalsha(script.sha, keys.length, ...keys, ...asArgs(args))) as T;
    } catch (error) {
      if (!`${error}`.includes("NOSCRIPT")) throw error;
      return (await client.eval(script.source, keys.length, ...keys, ...asArgs(args))) as T;
    }
  };
  return {
    evalsha: async <T>(sha: string, keys: string[], args: unknown[]) => {
      const script = scripts.get(sha);
      if (!script) throw new Error("NOSCRIPT not loaded through this adapter yet");
      return run<T>(script, keys, args);
    },
    eval: async <T>(source: string, keys: string[], args: unknown[]) => {
      const script = { sha: sha1(portable(source)), source: portable(source) };
      scripts.set(sha1(source), script);
      return run<T>(script, keys, args);
    },
    quit: () => client.quit(),
  };
}
