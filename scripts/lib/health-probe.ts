/**
 * Answers the app's health check once, in a process of its own, against the
 * database its environment names, and prints the response as one JSON line.
 * The restore drill runs it on the restored database: the same route handler
 * `/api/health` serves (connecting as harambee_app, through the app's clients),
 * without a production build; a process of its own because the app's database
 * clients are fixed per process by the first environment they read.
 */
import { GET } from "../../app/api/health/route";
import { disconnectAll } from "../../lib/db/clients";

const response = await GET(new Request("http://localhost/api/health"), undefined);
const body: unknown = await response.json();
await disconnectAll();
process.stdout.write(`${JSON.stringify({ status: response.status, body })}\n`);
process.exit(response.status === 200 ? 0 : 1);
