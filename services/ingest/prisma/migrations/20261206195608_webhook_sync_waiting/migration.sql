-- AlterTable
ALTER TABLE "applications" ADD COLUMN     "webhook_sync_waiting" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "entrata_webhooks" ALTER COLUMN "received_at" SET DATA TYPE TIMESTAMPTZ(6);
