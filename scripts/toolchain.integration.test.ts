import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, 'toolchain.sh');

describe('scripts/toolchain.sh', () => {
  // The docs tell people to source it into their own shell: it must leave that shell's options alone, or the
  // first failing command (a support CLI refusal, say) would close their terminal.
  it('can be sourced into a shell without changing its options', () => {
    const run = spawnSync(
      'bash',
      [
        '-c',
        `source '${script}' || exit 9; false; echo "still here"; set -o | grep -E '^(errexit|nounset|pipefail)\\s'`,
      ],
      { encoding: 'utf8', timeout: 600_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('still here');
    expect(run.stdout).toMatch(/errexit\s+off/);
    expect(run.stdout).toMatch(/nounset\s+off/);
    expect(run.stdout).toMatch(/pipefail\s+off/);
  });

  it('puts Node 24 and pnpm on the PATH', () => {
    const run = spawnSync('bash', ['-c', `source '${script}' && node -p process.versions.node && pnpm -v`], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(Number(run.stdout.split('\n')[0]?.split('.')[0])).toBeGreaterThanOrEqual(24);
  });
});
