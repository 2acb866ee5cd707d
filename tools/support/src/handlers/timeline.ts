import { allEvents } from '@autoverify/contracts';
import { type Handler, handle } from '@autoverify/messaging';
import type { Tx } from '../db.ts';
import { recordTimelineEvent } from '../store.ts';

/** One handler per event type of the registry: each stores the event in the timeline projection. */
export function timelineHandlers(): Handler<Tx>[] {
  return allEvents().map((definition) =>
    handle(definition, (event, tx: Tx, ctx) => recordTimelineEvent(tx, event, ctx.message)),
  );
}
