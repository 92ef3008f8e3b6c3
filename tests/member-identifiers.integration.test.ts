import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { listMembers } from "@/lib/queries/members";
import { createMember, updateMember } from "@/lib/services/members";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

/**
 * NIN, BVN, phone and email are encrypted, so search and de-duplication go
 * through their blind indexes over the normalised value.
 */
let club: TestOrganization;
let other: TestOrganization;

beforeAll(async () => {
  club = await createTestOrganization("ids");
  other = await createTestOrganization("ids-other");
});
afterAll(() => disconnectAll());

const digits = () => String(Math.floor(1e10 + Math.random() * 9e10));
const spaced = (nin: string) => `${nin.slice(0, 3)} ${nin.slice(3, 7)} ${nin.slice(7)}`;
const dashed = (nin: string) => `${nin.slice(0, 3)}-${nin.slice(3, 7)}-${nin.slice(7)}`;
const NIN_TAKEN = "A member with this NIN is already registered in this organisation.";
const BVN_TAKEN = "A member with this BVN is already registered in this organisation.";

describe("finding members by an encrypted identifier", () => {
  test("[M2.4] a NIN typed with spaces or dashes finds the member; so do a BVN, a phone and an email however they are typed", async () => {
    const input = { firstName: "Emeka", lastName: "Nwosu", nin: digits(), bvn: digits(), phone: `+23480${digits().slice(0, 8)}`, email: `emeka.${digits()}@example.ng` };
    const { id } = await createMember(club.actors.ADMIN, { ...input, nin: dashed(input.nin) });
    const found = async (search: string) => (await listMembers(club.actors.VIEWER, { search })).map((m) => m.id);
    for (const search of [input.nin, spaced(input.nin), dashed(input.nin), ` ${input.nin} `, spaced(input.bvn), input.phone.replace(/(\d{3})(\d{3})/, "$1 $2 "), input.email.toUpperCase()]) {
      expect(await found(search), search).toEqual([id]);
    }
    // Equality only: a part of the number matches nothing, and another organisation sees nothing.
    expect(await found(input.nin.slice(0, 8))).toEqual([]);
    expect((await listMembers(other.actors.VIEWER, { search: input.nin })).map((m) => m.id)).toEqual([]);
  });
});

describe("one member per NIN and per BVN in an organisation", () => {
  test("a second member with the same NIN, however typed, is refused with a clear message; in another organisation it is allowed", async () => {
    const nin = digits();
    await createMember(club.actors.ADMIN, { firstName: "Ifeoma", lastName: "Eze", nin: spaced(nin) });
    await expect(createMember(club.actors.ADMIN, { firstName: "Ifeoma", lastName: "Eze-Okeke", nin: dashed(nin) })).rejects.toMatchObject({
      code: "CONFLICT",
      message: NIN_TAKEN,
      fieldErrors: { nin: [NIN_TAKEN] },
    });
    const elsewhere = await createMember(other.actors.ADMIN, { firstName: "Ifeoma", lastName: "Eze", nin });
    expect((await listMembers(other.actors.VIEWER, { search: nin })).map((m) => m.id)).toEqual([elsewhere.id]);
    expect(await listMembers(club.actors.VIEWER, { search: nin })).toHaveLength(1);
  });

  test("the same holds for BVN, and for an edit that would take another member's NIN", async () => {
    const [bvn, nin] = [digits(), digits()];
    await createMember(club.actors.ADMIN, { firstName: "Tunde", lastName: "Bakare", bvn, nin });
    await expect(createMember(club.actors.ADMIN, { firstName: "Tunde", lastName: "Bakare", bvn: spaced(bvn) })).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { bvn: [BVN_TAKEN] } });
    const second = await createMember(club.actors.ADMIN, { firstName: "Kemi", lastName: "Bakare" });
    await expect(updateMember(club.actors.ADMIN, { id: second.id, firstName: "Kemi", lastName: "Bakare", nin: dashed(nin) })).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { nin: [NIN_TAKEN] } });
  });

  test("two simultaneous registrations of one NIN: one wins, the other gets the same clear message (the unique blind index settles the race)", async () => {
    const nin = digits();
    const outcomes = await Promise.allSettled([0, 1, 2].map((i) => createMember(club.actors.ADMIN, { firstName: `Race${i}`, lastName: "Okon", nin })));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === "rejected")) expect((o as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT", fieldErrors: { nin: [NIN_TAKEN] } });
  });
});
