import { disconnectAll } from "../../lib/db/clients";

/**
 * Runs an npm command's main to its exit code, closing the app's database
 * pools either way; an unexpected failure exits 1 with one line,
 * "<name>: failed: <message>".
 */
export function runCommand(name: string, main: () => Promise<number>): void {
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
