/**
 * DDL of the `outbox`, `outbox_failed` and `inbox` tables: the SQL that Prisma generates for the models of
 * prisma/messaging.prisma, which every service's schema.prisma contains. For tests and tools that use plain
 * pg; services create these tables through their Prisma migrations.
 */
export const messagingTablesSql = `
CREATE TABLE IF NOT EXISTS "outbox" (
    "id" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "envelope" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "outbox_event_id_key" ON "outbox"("event_id");
CREATE INDEX IF NOT EXISTS "outbox_published_at_id_idx" ON "outbox"("published_at", "id");

CREATE TABLE IF NOT EXISTS "outbox_failed" (
    "id" BIGINT NOT NULL,
    "event_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "envelope" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL,
    "error" TEXT NOT NULL,
    "failed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outbox_failed_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "outbox_failed_event_id_key" ON "outbox_failed"("event_id");
CREATE INDEX IF NOT EXISTS "outbox_failed_topic_key_idx" ON "outbox_failed"("topic", "key");

CREATE TABLE IF NOT EXISTS "inbox" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "inbox_pkey" PRIMARY KEY ("consumer","event_id")
);
`;
