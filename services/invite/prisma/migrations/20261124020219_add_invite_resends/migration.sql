-- CreateTable
CREATE TABLE "invite_resends" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "applicant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "channels" TEXT[],
    "notification_ids" TEXT[],
    "requested_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "request_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invite_resends_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "invite_resends_idempotency_key_key" ON "invite_resends"("idempotency_key");

-- CreateIndex
CREATE INDEX "invite_resends_application_id_idx" ON "invite_resends"("application_id");

-- CreateIndex
CREATE UNIQUE INDEX "invite_resends_applicant_id_kind_sequence_key" ON "invite_resends"("applicant_id", "kind", "sequence");
