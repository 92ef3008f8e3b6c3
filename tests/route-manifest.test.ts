import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { mutationRegistry } from "@/lib/services/mutation";
import { ROUTES, routePath, serviceOf, type ActionRoute } from "./support/route-manifest";

/**
 * The route manifest lists everything under app/ that answers a request:
 * pages, route handlers, metadata files and server actions (promise M4.4).
 */
const ROOT = path.resolve(import.meta.dirname, "..");
const ROUTE_FILE = /^(page|route)\.[jt]sx?$/;
const METADATA_FILE = /^(icon|apple-icon|favicon|opengraph-image|twitter-image|robots|sitemap|manifest)(\d*)\.\w+$/;
const SOURCE = /\.[jt]sx?$/;

function walk(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    return entry.isDirectory() ? walk(rel) : [rel];
  });
}

const files = walk("app");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const isActionsModule = (file: string) => SOURCE.test(file) && /^\s*["']use server["'];?/.test(read(file));
/** Exported functions of a "use server" module: each one is a server action anyone can post to. */
const exportedActions = (file: string) =>
  [...read(file).matchAll(/^export\s+(?:async\s+function\s+(\w+)|const\s+(\w+)\s*=)/gm)].map((m) => m[1] ?? m[2]);

const pagesAndHandlers = files.filter((f) => ROUTE_FILE.test(path.basename(f)) || METADATA_FILE.test(path.basename(f)));
const actions = files.filter(isActionsModule).flatMap((file) => exportedActions(file).map((name) => `${file}#${name}`));
const manifestFiles = ROUTES.filter((r) => r.kind !== "action").map((r) => r.file);
const manifestActions = ROUTES.filter((r): r is ActionRoute => r.kind === "action").map((r) => `${r.file}#${r.name}`);

describe("[M4.4] the route manifest names every route under app/", () => {
  test("every page, route handler and metadata file is in the manifest, and nothing else is", () => {
    expect(pagesAndHandlers.length).toBeGreaterThan(10);
    expect(pagesAndHandlers.filter((f) => !manifestFiles.includes(f)), "missing from tests/support/route-manifest.ts").toEqual([]);
    expect(manifestFiles.filter((f) => !pagesAndHandlers.includes(f)), "in tests/support/route-manifest.ts but not under app/").toEqual([]);
  });

  test("every exported server action is in the manifest, and nothing else is", () => {
    expect(actions.length).toBeGreaterThan(5);
    expect(actions.filter((a) => !manifestActions.includes(a)), "missing from tests/support/route-manifest.ts").toEqual([]);
    expect(manifestActions.filter((a) => !actions.includes(a)), "in tests/support/route-manifest.ts but not exported").toEqual([]);
  });

  test("server actions live in \"use server\" modules only, never inline in a component", () => {
    const inline = files.filter((f) => SOURCE.test(f) && !isActionsModule(f) && /["']use server["']/.test(read(f)));
    expect(inline).toEqual([]);
  });

  test("each action requires what its service requires: the mutation's capability from the registry, declared only where no capability guards it", () => {
    for (const route of ROUTES) {
      if (route.kind !== "action") continue;
      expect(serviceOf(route), `${route.name} is built with memberAction, platformAction or formAction`).not.toBeNull();
      const registered = route.mutation ? mutationRegistry.get(route.mutation) : undefined;
      if (registered?.capability) expect(route.access, `${route.name} → ${route.mutation}`).toBe(registered.capability);
      else if (route.guard) expect(route.access, `${route.name}: its service says ${route.guard}`).toBe(route.guard);
      else expect(["public", "signed-in"].includes(route.access) || route.access.startsWith("platform:"), `${route.name}: ${route.access}`).toBe(true);
    }
  });

  test("a page with an [id] in its path names the object it shows; an action posts to a page that exists", () => {
    for (const route of ROUTES) {
      if (route.kind === "page") {
        const params = [...routePath(route.file).matchAll(/\[(\w+)\]/g)].map((m) => m[1]);
        expect(params, route.file).toEqual(route.object ? [route.object.param] : []);
      }
      if (route.kind === "action") {
        const target = ROUTES.find((r) => r.kind === "page" && routePath(r.file) === route.postTo);
        expect(target, `${route.name} posts to ${route.postTo}`).toBeDefined();
      }
    }
  });

  test("nothing behind the sign-in layout is public", () => {
    for (const route of ROUTES) {
      if (route.file.startsWith("app/(tenant)/(app)/")) expect(route.access, route.file).not.toBe("public");
    }
  });

  test("routePath drops route groups and the apex site's prefix", () => {
    expect(routePath("app/(tenant)/(app)/members/[id]/page.tsx")).toBe("/members/[id]");
    expect(routePath("app/(tenant)/(app)/page.tsx")).toBe("/");
    expect(routePath("app/site/page.tsx")).toBe("/");
    expect(routePath("app/api/auth/[...nextauth]/route.ts")).toBe("/api/auth/[...nextauth]");
    expect(routePath("app/icon.svg")).toBe("/icon.svg");
  });
});
