import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPii, parseArgs, scanLine } from './check-logs-for-pii.ts';

const json = (fields: Record<string, unknown>) =>
  `2026-11-24T02:05:03.081Z ${JSON.stringify({ level: 'info', time: '2026-11-24T02:05:03.058Z', service: 'invite', ...fields })}`;

describe('scanLine', () => {
  it('flags email addresses and phone numbers in clear, and prints them masked', () => {
    const masked = scanLine(json({ msg: 'invite sent to ann.lee@example.com' }));
    expect(masked).toContain('a***@e***.com');
    expect(masked).not.toContain('ann.lee');
    expect(scanLine('texting +13035550100')).toBe('texting +*********00');
    expect(scanLine('call (303) 555-0100 now')).toBeDefined();
    expect(scanLine('call 303-555-0100 now')).toBeDefined();
  });

  it("passes the logger's masked forms, ids, timestamps and redacted keys", () => {
    expect(
      scanLine(json({ msg: 'invite sent', to: 'a***@e***.com', phone: '+*********00' })),
    ).toBeUndefined();
    expect(
      scanLine(json({ email: '[redacted]', applicationId: '6f1c7a9e-0d4b-5c0e-9a51-1b2c3d4e5f60' })),
    ).toBeUndefined();
    expect(
      scanLine(json({ entrataApplicationId: '2000001', leadId: 3000001, ms: 1732416303058 })),
    ).toBeUndefined();
  });

  it('exempts allowed addresses only', () => {
    const line = 'from leasing@acme.example.com to ann@example.com';
    expect(scanLine(line, [/leasing@acme\.example\.com/])).toContain('a***@e***.com');
    expect(scanLine('from leasing@acme.example.com', [/leasing@acme\.example\.com/])).toBeUndefined();
  });
});

describe('findPii', () => {
  it('lists offending lines with 1-based numbers', () => {
    const text = [json({ msg: 'ok' }), json({ msg: 'sms to +13035550100' }), '', 'ann@example.com'].join(
      '\n',
    );
    expect(findPii(text).map((f) => f.line)).toEqual([2, 4]);
  });
});

describe('parseArgs', () => {
  it('reads files and --allow patterns, and refuses nonsense', () => {
    const args = parseArgs(['a.log', '--allow', 'x@y\\.com', 'b.log']);
    expect(args).toMatchObject({ files: ['a.log', 'b.log'] });
    expect(parseArgs([])).toEqual({ error: 'no log file given' });
    expect(parseArgs(['a.log', '--allow'])).toEqual({ error: '--allow needs a regular expression' });
    expect(parseArgs(['--nope', 'a.log'])).toEqual({ error: 'unknown option --nope' });
  });
});

describe('CLI', () => {
  const script = join(import.meta.dirname, 'check-logs-for-pii.ts');
  const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

  it('exits 1 listing masked offending lines, 0 when clean, 2 on a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pii-'));
    const dirty = join(dir, 'dirty.log');
    const clean = join(dir, 'clean.log');
    writeFileSync(dirty, `${json({ msg: 'ok' })}\n${json({ msg: 'mail to bo.lee@example.org' })}\n`);
    writeFileSync(clean, `${json({ msg: 'mail to b***@e***.org' })}\n`);

    const failed = run(dirty);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`${dirty}:2:`);
    expect(failed.stderr).toContain('b***@e***.org');
    expect(failed.stderr).not.toContain('bo.lee@example.org');

    expect(run(clean).status).toBe(0);
    expect(run(join(dir, 'missing.log')).status).toBe(2);
  });
});
