import { randomUUID } from 'node:crypto';

/** The external systems a fault can be injected into. */
export const FAULT_TARGETS = ['entrata', 'platform', 'sms', 'email'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

/**
 * - `http_error`: answer with HTTP `status` (default 503) instead of doing the work.
 * - `rate_limit`: answer 429 with `Retry-After: retryAfterSeconds`.
 * - `delay`: wait `delayMs` and then answer normally (a long delay is a client time-out).
 * - `entrata_error`: Entrata's favourite: HTTP `status` (default 200) with an error envelope (`code`, `message`).
 * - `smtp_temporary` / `smtp_permanent`: the SMTP server refuses the recipient with 451 / 550.
 * - `truncated_pdf`: the platform serves a report PDF cut in half.
 */
export const FAULT_KINDS = [
  'http_error',
  'rate_limit',
  'delay',
  'entrata_error',
  'smtp_temporary',
  'smtp_permanent',
  'truncated_pdf',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Kinds that make sense for each target; anything else is refused when the fault is set. */
export const KINDS_BY_TARGET: Record<FaultTarget, readonly FaultKind[]> = {
  entrata: ['http_error', 'rate_limit', 'delay', 'entrata_error'],
  platform: ['http_error', 'rate_limit', 'delay', 'truncated_pdf'],
  sms: ['http_error', 'rate_limit', 'delay'],
  email: ['delay', 'smtp_temporary', 'smtp_permanent'],
};

export interface FaultSpec {
  target: FaultTarget;
  kind: FaultKind;
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  code?: number | string;
  message?: string;
  /** Only calls whose label contains this text (Entrata: `service/method`; HTTP fakes: `METHOD /path`; email: recipient). */
  match?: string;
  /** Applies to the next `count` matching calls. */
  count?: number;
  /** Applies for this long from now. Without count or duration the fault stays until removed. */
  durationMs?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  createdAt: string;
  expiresAt?: string;
  remaining?: number;
  /** How many calls it has hit so far. */
  hits: number;
}

export class FaultInjector {
  private faults: Fault[] = [];

  add(spec: FaultSpec): Fault {
    if (!KINDS_BY_TARGET[spec.target].includes(spec.kind)) {
      throw new RangeError(
        `fault kind "${spec.kind}" does not apply to ${spec.target}; use one of ${KINDS_BY_TARGET[spec.target].join(', ')}`,
      );
    }
    const now = Date.now();
    const fault: Fault = {
      ...spec,
      id: randomUUID(),
      createdAt: new Date(now).toISOString(),
      hits: 0,
      ...(spec.durationMs !== undefined ? { expiresAt: new Date(now + spec.durationMs).toISOString() } : {}),
      ...(spec.count !== undefined ? { remaining: spec.count } : {}),
    };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    this.prune();
    return [...this.faults];
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(target?: FaultTarget): void {
    this.faults = target ? this.faults.filter((f) => f.target !== target) : [];
  }

  /**
   * The first active fault for this call, if any, counting it as used. Only the given kinds are considered,
   * so e.g. the report route's `truncated_pdf` is not used up by the generic HTTP hook.
   */
  take(target: FaultTarget, kinds: readonly FaultKind[], label: string): Fault | undefined {
    this.prune();
    const fault = this.faults.find(
      (f) => f.target === target && kinds.includes(f.kind) && (!f.match || label.includes(f.match)),
    );
    if (!fault) return undefined;
    fault.hits++;
    if (fault.remaining !== undefined) fault.remaining--;
    this.prune();
    return fault;
  }

  private prune(): void {
    const now = Date.now();
    this.faults = this.faults.filter(
      (f) =>
        (f.remaining === undefined || f.remaining > 0) && (!f.expiresAt || Date.parse(f.expiresAt) > now),
    );
  }
}
