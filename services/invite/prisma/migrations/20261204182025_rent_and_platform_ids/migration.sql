-- AlterTable
ALTER TABLE "applicants" ADD COLUMN     "waiting_for" TEXT;

-- AlterTable
ALTER TABLE "applications" ADD COLUMN     "monthly_rent_cents" INTEGER,
ADD COLUMN     "rent_source" TEXT;

-- CreateTable
CREATE TABLE "platform_creates" (
    "correlation_id" TEXT NOT NULL,
    "application_id" UUID NOT NULL,
    "attempted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "platform_creates_pkey" PRIMARY KEY ("correlation_id")
);

-- CreateIndex
CREATE INDEX "platform_creates_application_id_idx" ON "platform_creates"("application_id");
