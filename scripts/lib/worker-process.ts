import { spawn } from "node:child_process";
import path from "node:path";

/**
 * `npm start`'s background-job worker (scripts/worker.ts) as a child process
 * with the server's environment. It is a separate process so that a job
 * cannot stall the web server, and a crash of either leaves the other running.
 * Run as `node --import tsx`, one process: signals reach the worker itself.
 */
export type WorkerProcess = {
  /** SIGTERM, then wait while the worker finishes its jobs in flight (it gives them 30 s); SIGKILL past GRACE_MS. */
  stop(): Promise<void>;
};

const GRACE_MS = 35_000;

export function spawnWorker(options: { root: string; env: NodeJS.ProcessEnv; onUnexpectedExit: (how: string) => void }): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(options.root, "scripts/worker.ts")], {
    cwd: options.root,
    env: options.env,
    stdio: "inherit",
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    const ended = (how: string) => {
      if (!stopping) options.onUnexpectedExit(how);
      resolve();
    };
    child.once("exit", (code, signal) => ended(signal ? `signal ${signal}` : `exit code ${code}`));
    child.once("error", (error) => ended(`could not start: ${error.message}`));
  });
  return {
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
