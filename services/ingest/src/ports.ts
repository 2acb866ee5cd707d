import type { Logger } from '@autoverify/logger';
import type { Outbox, Transactions } from '@autoverify/messaging';
import type { Tx } from './db.ts';

/** The part of service-kit's JobQueue ingest uses (structural, so tests can pass the real one). */
export interface JobInfo {
  id: string;
  /** 0 on the first attempt. */
  retryCount: number;
}

export interface SendJobOptions {
  tx?: Tx;
  singletonKey?: string;
  startAfter?: Date | number;
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  retryDelayMax?: number;
  expireIn?: number;
}

export interface Jobs {
  send<T extends object>(name: string, data: T, options?: SendJobOptions): Promise<string | null>;
  work<T extends object>(
    name: string,
    handler: (data: T, job: JobInfo) => Promise<void>,
    options?: { concurrency?: number },
  ): Promise<void>;
}

/** What every handler and route of ingest is built from. */
export interface Deps {
  transactions: Transactions<Tx>;
  outbox: Outbox<Tx>;
  jobs: Jobs;
  relay: { wake(): void };
  logger: Logger;
}
