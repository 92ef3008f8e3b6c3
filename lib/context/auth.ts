import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "../env";
import { parseHost } from "../tenancy/host";
import { CLIENT_IP_HEADER } from "../security/client-ip";
import { safeCallbackUrl } from "../security/safe-next";
import { findOrganizationBySlug } from "../queries/organizations";
import { signInWithPassword } from "../services/sessions";

declare module "next-auth" {
  interface User {
    sessionId?: string;
  }
  interface Session {
    sessionId?: string;
  }
}

const credentials = z.object({ email: z.string().trim().min(1).max(200), password: z.string().min(1).max(200) });

const production = process.env.NODE_ENV === "production";

/**
 * Auth.js issues a signed, encrypted cookie carrying only our session id; the
 * `session` row decides validity on every request. The cookie has no Domain,
 * so it stays on the subdomain that issued it, and `__Host-` in production
 * forces Secure, Path=/ and host-only.
 */
export const SESSION_COOKIE = production ? "__Host-harambee.session" : "harambee.session";

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  secret: process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/login", error: "/login" },
  cookies: {
    sessionToken: {
      name: SESSION_COOKIE,
      options: { httpOnly: true, sameSite: "lax", path: "/", secure: production },
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) return null;
        const site = parseHost(request.headers.get("host"), env().APP_ROOT_DOMAIN);
        if (site.kind !== "tenant") return null;
        const org = await findOrganizationBySlug(site.slug);
        if (!org) return null;
        const signedIn = await signInWithPassword({
          organizationId: org.id,
          email: parsed.data.email,
          password: parsed.data.password,
          ip: request.headers.get(CLIENT_IP_HEADER),
          userAgent: request.headers.get("user-agent"),
        });
        return signedIn ? { id: signedIn.userId, sessionId: signedIn.sessionId } : null;
      },
    }),
  ],
  callbacks: {
    // redirectTo and callbackUrl end on a named route of this host (promise M6.5).
    redirect({ url, baseUrl }) {
      return safeCallbackUrl(url, baseUrl);
    },
    jwt({ token, user }) {
      if (user?.sessionId) token.sessionId = user.sessionId;
      return token;
    },
    session({ session, token }) {
      session.sessionId = typeof token.sessionId === "string" ? token.sessionId : undefined;
      return session;
    },
  },
});
