-- CreateTable
CREATE TABLE "worker_heartbeat" (
    "worker" TEXT NOT NULL,
    "beat_at" TIMESTAMPTZ(3) NOT NULL,
    "stopped_at" TIMESTAMPTZ(3),

    CONSTRAINT "worker_heartbeat_pkey" PRIMARY KEY ("worker")
);

-- =============================================================================
-- HAND-WRITTEN: who may touch the heartbeat, and what /api/health may read.
-- The worker (harambee_platform) writes its row; the web app (harambee_app)
-- only reads the heartbeats, and which migrations have finished, to report
-- `jobs` and `migrations` (lib/queries/health.ts). Not tenant data: no RLS.
-- =============================================================================
GRANT SELECT, INSERT, UPDATE ON "worker_heartbeat" TO harambee_platform;
GRANT SELECT ON "worker_heartbeat" TO harambee_app;
GRANT SELECT ("migration_name", "finished_at", "rolled_back_at") ON "_prisma_migrations" TO harambee_app;
