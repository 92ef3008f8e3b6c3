import { z } from "zod";
import { can } from "../authz/capabilities";
import { scope } from "../authz/scope";
import type { Actor } from "../authz/actor";
import { indexMatch } from "../db/search-index";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";
import { memberCsvHeader, memberCsvRow } from "../members/csv";

const PAGE_SIZE = 50;

const listFields = { id: true, firstName: true, lastName: true, email: true, phone: true, status: true, joinedOn: true } as const;
const detailFields = { ...listFields, nin: true, bvn: true, dateOfBirth: true, address: true, createdAt: true, updatedAt: true } as const;

/**
 * What a search term can match: first or last name by substring, and — through
 * their blind indexes, since the values are encrypted — an exact email, phone
 * (with country code), NIN or BVN however it is spaced or dashed.
 */
function searchConditions(organizationId: string, search: string) {
  const identifier = /^[\d\s()+.-]+$/.test(search);
  const email = search.includes("@") ? indexMatch(organizationId, "email", search) : null;
  const phone = identifier ? indexMatch(organizationId, "phone", search) : null;
  const nin = identifier ? indexMatch(organizationId, "nin", search) : null;
  const bvn = identifier ? indexMatch(organizationId, "bvn", search) : null;
  return [
    { firstName: { contains: search, mode: "insensitive" as const } },
    { lastName: { contains: search, mode: "insensitive" as const } },
    ...(email ? [{ emailIndex: email }] : []),
    ...(phone ? [{ phoneIndex: phone }] : []),
    ...(nin ? [{ ninIndex: nin }] : []),
    ...(bvn ? [{ bvnIndex: bvn }] : []),
  ];
}

/** The member register, by surname; search by name, email, phone, NIN or BVN. */
export async function listMembers(
  actor: Actor,
  options: { search?: string | null; includeArchived?: boolean; after?: string } = {},
) {
  const where = scope(actor, "member");
  // null: a term no stored value can hold (lib/schemas/text.ts queryText), so nothing matches.
  const search = options.search === null ? null : options.search?.trim();
  return withTenant(actor.organizationId, (tx) =>
    tx.member.findMany({
      where: {
        ...where,
        ...(options.includeArchived ? {} : { status: "ACTIVE" }),
        ...(search === null ? { id: { in: [] } } : search ? { OR: searchConditions(actor.organizationId, search) } : {}),
      },
      orderBy: [{ lastName: "asc" }, { firstName: "asc" }, { id: "asc" }],
      take: PAGE_SIZE,
      ...(options.after ? { cursor: { id: options.after }, skip: 1 } : {}),
      select: listFields,
    }),
  );
}

export async function getMember(actor: Actor, id: string) {
  const where = scope(actor, "member");
  if (!z.uuid().safeParse(id).success) throw notFoundError();
  const member = await withTenant(actor.organizationId, (tx) =>
    tx.member.findFirst({ where: { id, ...where }, select: detailFields }),
  );
  if (!member) throw notFoundError();
  return member;
}

/**
 * The login a member record is tied to, and the organisation's logins it
 * could be tied to (each login has at most one record): for the member
 * page's login section, shown to whoever may link them.
 */
export async function memberLogin(actor: Actor, memberId: string) {
  if (!can(actor, "roles:manage")) throw notFoundError();
  const member = await getMember(actor, memberId);
  return withTenant(actor.organizationId, async (tx) => {
    const linked = await tx.member.findFirst({ where: { id: member.id }, select: { user: { select: { id: true, email: true } } } });
    const memberships = await tx.membership.findMany({
      where: { organizationId: actor.organizationId },
      select: { role: true, user: { select: { id: true, email: true, memberRecords: { where: { organizationId: actor.organizationId }, select: { id: true } } } } },
      orderBy: { user: { email: "asc" } },
    });
    return {
      linked: linked?.user ?? null,
      choices: memberships
        .filter((m) => m.user.memberRecords.every((other) => other.id === member.id))
        .map((m) => ({ userId: m.user.id, email: m.user.email, role: m.role })),
    };
  });
}

const EXPORT_BATCH = 1_000;
const exportFields = { id: true, firstName: true, lastName: true, email: true, phone: true, nin: true, bvn: true, dateOfBirth: true, address: true } as const;

/**
 * The register as the list shows it (search, archived or not) as the import's
 * CSV (lib/members/csv.ts): every cell formula-guarded, so the file opens
 * safely in a spreadsheet and imports back unchanged. Pulled a batch at a
 * time as the client reads, each batch its own short tenant transaction;
 * values are decrypted as they are read, like every member read.
 */
export function membersCsv(actor: Actor, options: { search?: string | null; includeArchived?: boolean } = {}): ReadableStream<Uint8Array> {
  const where = scope(actor, "member");
  const search = options.search === null ? null : options.search?.trim();
  const filter = {
    ...where,
    ...(options.includeArchived ? {} : { status: "ACTIVE" as const }),
    ...(search === null ? { id: { in: [] } } : search ? { OR: searchConditions(actor.organizationId, search) } : {}),
  };
  const encoder = new TextEncoder();
  let after: string | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(memberCsvHeader()));
          return;
        }
        const rows = await withTenant(actor.organizationId, (tx) =>
          tx.member.findMany({
            where: filter,
            orderBy: [{ lastName: "asc" }, { firstName: "asc" }, { id: "asc" }],
            take: EXPORT_BATCH,
            ...(after ? { cursor: { id: after }, skip: 1 } : {}),
            select: exportFields,
          }),
        );
        if (rows.length > 0) {
          after = rows[rows.length - 1].id;
          controller.enqueue(encoder.encode(rows.map(memberCsvRow).join("")));
        }
        if (rows.length < EXPORT_BATCH) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
}
