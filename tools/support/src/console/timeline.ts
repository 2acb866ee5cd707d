import type { ApplicationRef } from '../domain/application-ref.ts';
import { maskPersonalData } from '../domain/masking.ts';
import type { Caller } from '../domain/tokens.ts';
import type { SupportContext } from '../service.ts';
import { audit, type TimelineEntry, timelineOf } from '../store.ts';

/** Every event of one application, oldest first; unmasked only when asked (the caller checked pii:read). */
export async function timeline(
  ctx: SupportContext,
  caller: Caller,
  ref: ApplicationRef,
  unmask: boolean,
): Promise<TimelineEntry[]> {
  const entries = await timelineOf(ctx.db.client, ref.applicationId);
  if (!unmask) return entries.map((e) => ({ ...e, payload: maskPersonalData(e.payload) }));
  await ctx.db.run((tx) =>
    audit(tx, {
      actor: caller.name,
      action: 'timeline.unmask',
      target: `application:${ref.applicationId}`,
      detail: { events: entries.length },
    }),
  );
  return entries;
}
