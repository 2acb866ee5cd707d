-- AlterTable
ALTER TABLE "applications" ADD COLUMN     "trace_context" JSONB;
