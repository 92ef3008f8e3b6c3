"use server";

import { formAction } from "@/lib/actions/form-action";
import { can } from "@/lib/authz/capabilities";
import { platformActor } from "@/lib/authz/actor";
import { apexSession, platformVisitor } from "@/lib/context/platform";
import { clearPlatformSessionCookie, setPlatformSessionCookie } from "@/lib/context/platform-cookie";
import { leavePlatform, signInToPlatform } from "@/lib/services/platform-sessions";

export const platformSignIn = formAction(platformVisitor, signInToPlatform, {
  after: (signedIn) => setPlatformSessionCookie(signedIn.sessionId, signedIn.user.id),
  redirectTo: (signedIn) => (can(platformActor(signedIn.user, null), "platform:organizations") ? "/admin" : "/district"),
});

/** Ends the caller's own apex session, if there is one. */
export const platformSignOut = formAction(apexSession, leavePlatform, { after: clearPlatformSessionCookie, redirectTo: "/sign-in" });
