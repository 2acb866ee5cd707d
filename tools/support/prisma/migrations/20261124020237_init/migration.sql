-- CreateTable
CREATE TABLE "timeline_events" (
    "event_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "correlation_id" TEXT NOT NULL,
    "entrata_application_id" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "service" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "trace_id" TEXT,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "envelope" JSONB NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "timeline_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "replays" (
    "id" UUID NOT NULL,
    "requested_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "scope" JSONB NOT NULL,
    "target" TEXT,
    "dry_run" BOOLEAN NOT NULL,
    "event_count" INTEGER NOT NULL,
    "event_ids" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "replays_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dead_letter_redrives" (
    "id" BIGSERIAL NOT NULL,
    "consumer" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "number" INTEGER NOT NULL DEFAULT 1,
    "event_id" TEXT,
    "event_type" TEXT,
    "original_topic" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dead_letter_redrives_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "reason" TEXT,
    "detail" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox" (
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

-- CreateTable
CREATE TABLE "inbox" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateIndex
CREATE INDEX "timeline_events_correlation_id_occurred_at_idx" ON "timeline_events"("correlation_id", "occurred_at");

-- CreateIndex
CREATE INDEX "timeline_events_tenant_id_occurred_at_idx" ON "timeline_events"("tenant_id", "occurred_at");

-- CreateIndex
CREATE INDEX "timeline_events_tenant_id_entrata_application_id_idx" ON "timeline_events"("tenant_id", "entrata_application_id");

-- CreateIndex
CREATE INDEX "replays_created_at_idx" ON "replays"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "dead_letter_redrives_consumer_partition_offset_number_key" ON "dead_letter_redrives"("consumer", "partition", "offset", "number");

-- CreateIndex
CREATE INDEX "audit_log_created_at_idx" ON "audit_log"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_id_key" ON "outbox"("event_id");

-- CreateIndex
CREATE INDEX "outbox_published_at_id_idx" ON "outbox"("published_at", "id");
