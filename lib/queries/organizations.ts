import { cache } from "react";
import { appDb } from "../db/clients";

/** Organisations are readable by slug before a tenant is chosen (RLS policy `organization_read`). */
export const findOrganizationBySlug = cache(async (slug: string) =>
  appDb().organization.findUnique({
    where: { slug },
    select: { id: true, slug: true, name: true, kind: true, status: true },
  }),
);

export type OrganizationSummary = NonNullable<Awaited<ReturnType<typeof findOrganizationBySlug>>>;
