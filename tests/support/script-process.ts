import { spawn } from "node:child_process";

export type ScriptRun = { code: number | null; signal: string | null; stdout: string; stderr: string };

/**
 * Runs `scripts/<name>.ts` as one process with `env`, calling `onLine` for each
 * stdout line with a way to SIGKILL it there (a command killed half-way).
 * tsx's own CLI would run the script in a grandchild that a kill leaves running:
 * tsx is loaded into the one process instead.
 */
export function runScript(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string, kill: () => void) => void,
): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", `scripts/${name}.ts`, ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      for (const line of String(chunk).split("\n").filter(Boolean)) onLine?.(line, () => child.kill("SIGKILL"));
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
