import { performance } from "node:perf_hooks";
import { NextRequest, NextResponse } from "next/server";
import { routeRequest } from "../middleware";
import { parseHost } from "../lib/tenancy/host";

/**
 * `npm run bench:middleware`: what the security middleware (fresh CSP nonce,
 * Origin check, eight headers) costs per request, against its peer in the
 * same run — the routing-only middleware it replaced (Host → tenant, rewrite).
 */
process.env.APP_ROOT_DOMAIN = "harambee.africa";

function routingOnly(request: NextRequest): NextResponse {
  const site = parseHost(request.headers.get("host"), "harambee.africa");
  if (site.kind === "unknown") return new NextResponse("Not found", { status: 404 });
  if (site.kind === "tenant") return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = `/site${request.nextUrl.pathname}`;
  return NextResponse.rewrite(url);
}

const requests = [
  () => new NextRequest("http://harambee.africa/members", { headers: { host: "kilimani.harambee.africa" } }),
  () => new NextRequest("http://harambee.africa/security", { headers: { host: "harambee.africa" } }),
  () =>
    new NextRequest("http://harambee.africa/members/new", {
      method: "POST",
      headers: { host: "kilimani.harambee.africa", origin: "https://kilimani.harambee.africa", "sec-fetch-site": "same-origin" },
    }),
];

function measure(name: string, run: (request: NextRequest) => Response, iterations: number): number {
  for (let i = 0; i < 5_000; i += 1) run(requests[i % requests.length]());
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) run(requests[i % requests.length]());
  const microseconds = ((performance.now() - started) * 1000) / iterations;
  console.log(`${name.padEnd(34)} ${microseconds.toFixed(2)} µs/request`);
  return microseconds;
}

const iterations = Number(process.env.BENCH_ITERATIONS ?? 60_000);
const peer = measure("routing only (peer, skeleton)", routingOnly, iterations);
const ours = measure("security middleware (this build)", routeRequest, iterations);
console.log(`ratio: the security middleware takes ${(ours / peer).toFixed(2)}× the routing-only time (+${(ours - peer).toFixed(2)} µs per request)`);
