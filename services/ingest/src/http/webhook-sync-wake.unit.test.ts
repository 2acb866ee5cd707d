import { createLogger } from '@autoverify/logger';
import type { Statement } from '@autoverify/service-kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { webhookSyncWaker } from './webhook-sync-wake.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('webhookSyncWaker', () => {
  let sent: string[];
  const sql = (async (strings: TemplateStringsArray, ...values: unknown[]) => {
    sent.push(`${strings.join('?')} ${values.join(',')}`);
    return [];
  }) as Statement;
  beforeEach(() => {
    sent = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('NOTIFYs at once after a quiet window, then once at the end of the window for a burst', async () => {
    const wake = webhookSyncWaker(sql, logger, 50);
    wake();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('pg_notify');
    for (let i = 0; i < 100; i++) wake();
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toHaveLength(2);
    wake();
    expect(sent).toHaveLength(3);
  });

  it('a failed NOTIFY is only logged: the queuer polls', async () => {
    const failing = (async () => {
      throw new Error('down');
    }) as Statement;
    const wake = webhookSyncWaker(failing, logger, 50);
    expect(() => wake()).not.toThrow();
    await vi.advanceTimersByTimeAsync(1);
  });
});
