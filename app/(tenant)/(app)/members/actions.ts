"use server";

import { memberAction } from "@/lib/actions/form-action";
import { archiveMember, createMember, linkMemberLogin, updateMember } from "@/lib/services/members";

export const createMemberAction = memberAction(createMember, { revalidate: "/members", redirectTo: (member) => `/members/${member.id}` });
export const updateMemberAction = memberAction(updateMember, { revalidate: "/members", success: "Saved." });
export const archiveMemberAction = memberAction(archiveMember, { revalidate: "/members", redirectTo: "/members" });
export const linkMemberLoginAction = memberAction(linkMemberLogin, { revalidate: (r) => `/members/${r.id}`, success: "Login saved." });
