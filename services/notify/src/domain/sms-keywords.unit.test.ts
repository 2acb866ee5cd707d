import { describe, expect, it } from 'vitest';
import { parseKeyword } from './sms-keywords.ts';

describe('parseKeyword', () => {
  it.each(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'CANCEL'])(
    '%s opts out',
    (word) => {
      expect(parseKeyword(word)).toBe('stop');
      expect(parseKeyword(word.toLowerCase())).toBe('stop');
      expect(parseKeyword(`  ${word[0]}${word.slice(1).toLowerCase()}  `)).toBe('stop');
    },
  );

  it('reads only the first word and ignores trailing punctuation', () => {
    expect(parseKeyword('stop texting me')).toBe('stop');
    expect(parseKeyword('Stop!')).toBe('stop');
    expect(parseKeyword('\nquit.\n')).toBe('stop');
  });

  it.each(['START', 'UNSTOP', 'YES'])('%s opts back in', (word) => {
    expect(parseKeyword(word.toLowerCase())).toBe('start');
  });

  it.each(['HELP', 'INFO'])('%s asks for help', (word) => {
    expect(parseKeyword(word)).toBe('help');
  });

  it('treats anything else as no keyword', () => {
    expect(parseKeyword('')).toBe('none');
    expect(parseKeyword('   ')).toBe('none');
    expect(parseKeyword('please stop')).toBe('none');
    expect(parseKeyword('stopping by later')).toBe('none');
    expect(parseKeyword('hello')).toBe('none');
  });
});
