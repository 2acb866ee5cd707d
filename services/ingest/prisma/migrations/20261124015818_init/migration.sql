-- CreateTable
CREATE TABLE "entrata_webhooks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "entrata_application_id" TEXT,
    "property_id" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "body" JSONB NOT NULL,
    "headers" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "failure_reason" TEXT,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "entrata_webhooks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "applications" (
    "tenant_id" TEXT NOT NULL,
    "entrata_application_id" TEXT NOT NULL,
    "application_id" UUID NOT NULL,
    "property_id" TEXT NOT NULL,
    "lead_id" TEXT,
    "status" TEXT NOT NULL,
    "failure_reason" TEXT,
    "content_hash" TEXT,
    "snapshot" JSONB,
    "last_source" TEXT NOT NULL,
    "last_synced_at" TIMESTAMPTZ(3),
    "last_published_at" TIMESTAMPTZ(3),
    "publish_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "applications_pkey" PRIMARY KEY ("tenant_id","entrata_application_id")
);

-- CreateTable
CREATE TABLE "reconciliation_state" (
    "tenant_id" TEXT NOT NULL,
    "next_run_at" TIMESTAMPTZ(3) NOT NULL,
    "last_run_at" TIMESTAMPTZ(3),
    "last_finished_at" TIMESTAMPTZ(3),
    "last_found" INTEGER,
    "last_error" TEXT,

    CONSTRAINT "reconciliation_state_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "platform_webhooks" (
    "dedupe_key" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "failure_reason" TEXT,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "platform_webhooks_pkey" PRIMARY KEY ("dedupe_key")
);

-- CreateTable
CREATE TABLE "verification_groups" (
    "applicant_group_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "application_id" UUID NOT NULL,
    "entrata_application_id" TEXT NOT NULL,
    "property_id" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "verification_groups_pkey" PRIMARY KEY ("applicant_group_id")
);

-- CreateTable
CREATE TABLE "verification_applicants" (
    "platform_applicant_id" TEXT NOT NULL,
    "applicant_group_id" TEXT NOT NULL,
    "applicant_id" UUID NOT NULL,
    "entrata_customer_id" TEXT NOT NULL,

    CONSTRAINT "verification_applicants_pkey" PRIMARY KEY ("platform_applicant_id")
);

-- CreateTable
CREATE TABLE "verifications" (
    "verification_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "platform_applicant_id" TEXT NOT NULL,
    "applicant_group_id" TEXT NOT NULL,

    CONSTRAINT "verifications_pkey" PRIMARY KEY ("verification_id")
);

-- CreateTable
CREATE TABLE "published_reports" (
    "report_id" TEXT NOT NULL,
    "applicant_group_id" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "published_reports_pkey" PRIMARY KEY ("report_id")
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
CREATE INDEX "entrata_webhooks_tenant_id_entrata_application_id_idx" ON "entrata_webhooks"("tenant_id", "entrata_application_id");

-- CreateIndex
CREATE UNIQUE INDEX "entrata_webhooks_tenant_id_event_id_key" ON "entrata_webhooks"("tenant_id", "event_id");

-- CreateIndex
CREATE UNIQUE INDEX "applications_application_id_key" ON "applications"("application_id");

-- CreateIndex
CREATE INDEX "applications_status_idx" ON "applications"("status");

-- CreateIndex
CREATE INDEX "platform_webhooks_status_idx" ON "platform_webhooks"("status");

-- CreateIndex
CREATE INDEX "verification_groups_application_id_idx" ON "verification_groups"("application_id");

-- CreateIndex
CREATE INDEX "verification_applicants_applicant_group_id_idx" ON "verification_applicants"("applicant_group_id");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_id_key" ON "outbox"("event_id");

-- CreateIndex
CREATE INDEX "outbox_published_at_id_idx" ON "outbox"("published_at", "id");
