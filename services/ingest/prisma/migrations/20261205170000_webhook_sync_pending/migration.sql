-- AlterTable
ALTER TABLE "entrata_webhooks" ADD COLUMN     "sync_pending" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "trace_context" JSONB;

-- CreateIndex
CREATE INDEX "entrata_webhooks_sync_pending_idx" ON "entrata_webhooks"("sync_pending");
