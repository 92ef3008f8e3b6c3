"use server";

import { redirect } from "next/navigation";
import type { FormState } from "@/lib/actions/result";
import { formObject } from "@/lib/actions/result";
import { can } from "@/lib/authz/capabilities";
import { platformActor } from "@/lib/authz/actor";
import { platformRequest } from "@/lib/context/platform";
import { clearPlatformSessionCookie, setPlatformSessionCookie } from "@/lib/context/platform-cookie";
import { platformSignInInput } from "@/lib/schemas/platform-sign-in";
import { endPlatformSession, signInToPlatform } from "@/lib/services/platform-sessions";

const REFUSED = "That email and password do not match a platform account.";

export async function platformSignIn(_previous: FormState, form: FormData): Promise<FormState> {
  const { ip, userAgent } = await platformRequest();
  const parsed = platformSignInInput.safeParse(formObject(form));
  if (!parsed.success) return { ok: false, message: REFUSED, fieldErrors: {} };
  const signedIn = await signInToPlatform({ ...parsed.data, ip, userAgent });
  if (!signedIn) return { ok: false, message: REFUSED, fieldErrors: {} };
  await setPlatformSessionCookie(signedIn.sessionId, signedIn.user.id);
  redirect(can(platformActor(signedIn.user, ip), "platform:organizations") ? "/admin" : "/district");
}

export async function platformSignOut(): Promise<void> {
  const { session, actor } = await platformRequest();
  if (session && actor) await endPlatformSession(session.sessionId, { id: actor.userId, label: actor.label, ip: actor.ip });
  await clearPlatformSessionCookie();
  redirect("/sign-in");
}
