import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (code: string) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: new URL('../src', import.meta.url),
    encoding: 'utf8',
  });

describe('kafkajs-timer-warning', () => {
  it('drops the TimeoutNegativeWarning that kafkajs causes, and only that warning', () => {
    const result = run(`
      await import('./kafkajs-timer-warning.ts');
      setTimeout(() => {}, -5);
      process.emitWarning('something else', 'CustomWarning');
    `);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('TimeoutNegativeWarning');
    expect(result.stderr).toContain('CustomWarning: something else');
  });
});
