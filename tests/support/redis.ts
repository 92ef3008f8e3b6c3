import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";

/**
 * A real Redis for the rate-limit tests: REDIS_URL, else the machine's
 * 127.0.0.1:6379 when it answers, else Debian's redis-server started here on
 * a free port (stopped by the returned function).
 */
function answers(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

export async function realRedis(): Promise<{ url: string; stop: () => void }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: () => undefined };
  if (await answers(6379)) return { url: "redis://127.0.0.1:6379", stop: () => undefined };
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  for (let i = 0; i < 50 && !(await answers(port)); i += 1) await new Promise((r) => setTimeout(r, 100));
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill() };
}
