import type { ServiceName } from '@autoverify/contracts';

/** What the global setup hands every e2e test file (through vitest's provide/inject). */
export interface E2eContext {
  namespace: string;
  brokers: string[];
  urls: Record<ServiceName | 'sandbox', string>;
  tenantId: string;
  /** The tenant's Entrata org in the sandbox. */
  org: string;
  /** Zone of the normal properties (daytime now) and of the night-time property. */
  dayZone: string;
  nightZone: string;
  /** Entrata file type ids reports are uploaded under (the tenant's defaults). */
  fileTypes: { income: string; identity: string };
  /** Where the output of the sandbox and the five services goes. */
  logFile: string;
  /**
   * The support console (tools/support): a token with every scope (sandbox only) and one of "e2e-reader",
   * who may only read timelines.
   */
  support: { url: string; token: string; readerToken: string };
  /** The in-process OTLP receiver every service exports its spans to (otlp-receiver.ts). */
  traces: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eContext;
  }
}

/**
 * First port of the suite's stack (E2E_PORT_BASE, default 13000): several runs on one machine (developers,
 * CI, a drill) each take their own range.
 */
export const e2ePortBase = (): number => Number(process.env.E2E_PORT_BASE ?? 13000);
