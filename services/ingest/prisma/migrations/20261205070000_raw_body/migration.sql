-- Webhooks are kept as the exact bytes received (what the signature covers), not as a re-serialised jsonb copy.
-- Rows stored before keep their jsonb text: their original bytes were never kept.
ALTER TABLE "entrata_webhooks" ADD COLUMN "raw_body" BYTEA;
UPDATE "entrata_webhooks" SET "raw_body" = convert_to("body"::text, 'UTF8');
ALTER TABLE "entrata_webhooks" ALTER COLUMN "raw_body" SET NOT NULL;
ALTER TABLE "entrata_webhooks" DROP COLUMN "body";

ALTER TABLE "platform_webhooks" ADD COLUMN "raw_body" BYTEA;
UPDATE "platform_webhooks" SET "raw_body" = convert_to("body"::text, 'UTF8');
ALTER TABLE "platform_webhooks" ALTER COLUMN "raw_body" SET NOT NULL;
ALTER TABLE "platform_webhooks" DROP COLUMN "body";
