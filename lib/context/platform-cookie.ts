import { cookies } from "next/headers";
import { encode } from "next-auth/jwt";
import { SESSION_COOKIE } from "./auth";
import { env } from "../env";

/**
 * The apex session cookie, in Auth.js's own format and name, so `auth()`
 * reads it exactly as it reads an organisation's: a signed, encrypted token
 * holding only the session id. Auth.js's Credentials sign-in is the tenant
 * login's (it refuses the apex), hence this small issuer beside it. The
 * cookie has no Domain, so it stays on the apex and is never sent to a club.
 */
// A __Host- cookie is only accepted (and only cleared) with exactly these attributes.
const OPTIONS = { httpOnly: true, sameSite: "lax", path: "/", secure: process.env.NODE_ENV === "production" } as const;

export async function setPlatformSessionCookie(sessionId: string, userId: string): Promise<void> {
  const maxAge = env().SESSION_MAX_HOURS * 3600;
  const token = await encode({ token: { sub: userId, sessionId }, secret: env().AUTH_SECRET, salt: SESSION_COOKIE, maxAge });
  (await cookies()).set(SESSION_COOKIE, token, { ...OPTIONS, maxAge });
}

export async function clearPlatformSessionCookie(): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, "", { ...OPTIONS, maxAge: 0 });
}
