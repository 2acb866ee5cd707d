-- CreateIndex
CREATE INDEX "reminders_awaiting_job_due_at_idx" ON "reminders"("due_at") WHERE (status = 'scheduled' AND job_id IS NULL);
