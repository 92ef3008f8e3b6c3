import { env, type Env } from "../env";

/**
 * An organisation's own origin, for links that leave the app (emails): its
 * subdomain of the apex, with the apex's scheme and port (APP_ORIGIN, or
 * https://<APP_ROOT_DOMAIN>). A request knows its origin; a job does not.
 */
export function organizationOrigin(slug: string, settings: Pick<Env, "APP_ORIGIN" | "APP_ROOT_DOMAIN"> = env()): string {
  const apex = new URL(settings.APP_ORIGIN ?? `https://${settings.APP_ROOT_DOMAIN}`);
  return `${apex.protocol}//${slug}.${apex.host}`;
}
