import { describe, expect, it } from 'vitest';
import { parseEnvFile, sandboxSecrets } from './secrets.ts';

describe('parseEnvFile', () => {
  it('reads NAME=value lines, skipping comments and blank lines', () => {
    expect(parseEnvFile('# note\nA=1\n\nB_2=x=y\n', 'f.env')).toEqual({ A: '1', B_2: 'x=y' });
  });

  it('refuses a name set twice, naming both lines', () => {
    expect(() => parseEnvFile('A=1\n# again\nA=2\n', 'f.env')).toThrow(
      'f.env:3: A is already set on line 1; keep one',
    );
  });

  it('refuses a line that is not NAME=value', () => {
    expect(() => parseEnvFile('lower=1', 'f.env')).toThrow('f.env:1: expected NAME=value');
  });
});

describe('config/sandbox.env', () => {
  it('parses (every name once)', () => {
    expect(sandboxSecrets()).toHaveProperty('ADMIN_TOKEN');
  });
});
