import { disconnectAll } from "../../lib/db/clients";

/**
 * Runs a key-management command to its exit code, closing the database pools
 * either way; an unexpected failure exits 1 with the command's name.
 */
export function runKeyCommand(name: string, main: () => Promise<number>): void {
  main()
    .then(async (code) => {
      await disconnectAll();
      process.exit(code);
    })
    .catch(async (error: unknown) => {
      console.error(`${name}: failed: ${error instanceof Error ? error.message : String(error)}`);
      await disconnectAll().catch(() => undefined);
      process.exit(1);
    });
}
