import type { HttpServer } from '@autoverify/service-kit';
import type { SupportContext } from '../service.ts';
import { deadLetterRoutes } from './dead-letters.ts';
import { erasureRoutes } from './erasures.ts';
import { outboxRoutes } from './outbox.ts';
import { replayRoutes } from './replays.ts';
import { rerunRoutes } from './reruns.ts';
import { timelineRoutes } from './timeline.ts';

/**
 * The console's admin API. Every route needs a personal support token with the route's scope
 * (http/auth.ts): the token's name is the actor of the audit log, which a shared admin token could not say.
 */
export function supportRoutes(app: HttpServer, ctx: SupportContext): void {
  timelineRoutes(app, ctx);
  replayRoutes(app, ctx);
  deadLetterRoutes(app, ctx);
  rerunRoutes(app, ctx);
  outboxRoutes(app, ctx);
  erasureRoutes(app, ctx);
}
