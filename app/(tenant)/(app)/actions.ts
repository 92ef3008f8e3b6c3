"use server";

import { signOut } from "@/lib/context/auth";
import { memberRequest } from "@/lib/context/request";
import { endSession } from "@/lib/services/sessions";

export async function logout(): Promise<void> {
  const { org, session, actor } = await memberRequest();
  await endSession(session.sessionId, org.id, { id: session.user.id, label: actor.label, ip: actor.ip });
  await signOut({ redirectTo: "/login" });
}
