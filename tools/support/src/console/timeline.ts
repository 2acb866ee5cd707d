import type { ApplicationRef } from '../domain/application-ref.ts';
import { maskPersonalData } from '../domain/masking.ts';
import type { Caller } from '../domain/tokens.ts';
import type { SupportContext } from '../service.ts';
import { audit, type TimelineEntry, timelineOf } from '../store.ts';

/** Why personal data is shown, and who at the keyboard asked (the CLI's OS user; the token says who is in). */
export interface Unmask {
  reason: string;
  operator?: string | undefined;
}

/**
 * Every event of one application, oldest first, personal data masked; unmasked only with a reason (the
 * caller checked pii:read), and every unmasked read is audited: who, when, which application, why.
 */
export async function timeline(
  ctx: SupportContext,
  caller: Caller,
  ref: ApplicationRef,
  unmask: Unmask | undefined,
): Promise<TimelineEntry[]> {
  const entries = await timelineOf(ctx.db.client, ref.applicationId);
  if (!unmask) return entries.map((e) => ({ ...e, payload: maskPersonalData(e.payload) }));
  await ctx.db.run((tx) =>
    audit(tx, {
      actor: caller.name,
      action: 'timeline.unmask',
      target: `application:${ref.applicationId}`,
      reason: unmask.reason,
      detail: { events: entries.length, ...(unmask.operator ? { operator: unmask.operator } : {}) },
    }),
  );
  return entries;
}
