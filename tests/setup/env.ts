import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.APP_DB_PASSWORD = inject("appDbPassword");
process.env.PLATFORM_DB_PASSWORD = inject("platformDbPassword");
process.env.STORAGE_DIR = inject("storageDir");
process.env.AUTH_SECRET ??= "test-secret-that-is-only-used-by-vitest-runs";
process.env.APP_ROOT_DOMAIN ??= "localhost";
