import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller, Scope } from '../domain/tokens.ts';

/** A signed-in support person: who (the token's name) and what they may do; the token itself is not kept. */
export interface Session {
  id: string;
  caller: Caller;
  /** The synchronizer token every form of this session carries; checked on every POST. */
  csrf: string;
  expiresAt: number;
}

export const SESSION_COOKIE = 'support_session';

const token = () => randomBytes(32).toString('base64url');

/**
 * Sessions in memory: support runs as one replica, and a restart only means signing in again. Sessions
 * end after `idleMs` without a request and after `maxMs` whatever happens.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session & { createdAt: number }>();
  private readonly options: { idleMs: number; maxMs: number };
  private readonly now: () => number;

  constructor(
    options: { idleMs: number; maxMs: number } = { idleMs: 30 * 60_000, maxMs: 8 * 3600_000 },
    now: () => number = Date.now,
  ) {
    this.options = options;
    this.now = now;
  }

  create(caller: Caller): Session {
    this.sweep();
    const at = this.now();
    const session = {
      id: token(),
      caller,
      csrf: token(),
      createdAt: at,
      expiresAt: at + this.options.idleMs,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session of a cookie value, its idle time renewed; undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const at = this.now();
    if (at >= session.expiresAt || at >= session.createdAt + this.options.maxMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.expiresAt = at + this.options.idleMs;
    return session;
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private sweep(): void {
    const at = this.now();
    for (const [id, s] of this.sessions) if (at >= s.expiresAt) this.sessions.delete(id);
  }
}

/** Constant-time comparison of the form's CSRF token with the session's. */
export function csrfMatches(session: Session, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const hasScope = (session: Session, scope: Scope): boolean => session.caller.scopes.has(scope);
