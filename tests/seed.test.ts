import { expect, test } from "vitest";
import { seedDemo } from "@/prisma/seed";

test("the demo seed refuses to run in production", async () => {
  const saved = process.env.NODE_ENV;
  (process.env as Record<string, string>).NODE_ENV = "production";
  try {
    await expect(seedDemo()).rejects.toThrow("Refusing to seed demo data in production");
  } finally {
    (process.env as Record<string, string | undefined>).NODE_ENV = saved;
  }
});
