-- AlterTable
ALTER TABLE "applications" ADD COLUMN     "last_read_at" TIMESTAMPTZ(6);
