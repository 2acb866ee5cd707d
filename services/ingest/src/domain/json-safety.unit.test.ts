import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds, MAX_JSON_DEPTH, storageProblems } from './json-safety.ts';

describe('jsonDepthExceeds', () => {
  it('counts array/object nesting and ignores brackets inside strings', () => {
    expect(jsonDepthExceeds('{"a":[1,{"b":2}]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[1,{"b":[2]}]}', 3)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ s: '[[[[[[[[[[{{{{{' }), 1)).toBe(false);
    expect(jsonDepthExceeds('{"s":"\\"[[[[[["}', 1)).toBe(false);
  });

  it('handles 10 000 levels without recursion', () => {
    expect(jsonDepthExceeds(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)).toBe(true);
    expect(jsonDepthExceeds(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).toBe(false);
  });
});

describe('storageProblems', () => {
  it('accepts ordinary text, including RTL overrides, emoji and injection strings', () => {
    expect(
      storageProblems({ a: 'ok', b: ['\u202Egnp.exe', '😀', "'; DROP TABLE x;--", '<script>'], c: 1 }),
    ).toEqual([]);
  });

  it('names NUL characters and unpaired surrogates in values and keys by JSON pointer', () => {
    const problems = storageProblems({
      a: 'x\u0000y',
      b: [{ 'c/d': '\uD800' }],
      'k\u0000': 1,
      e: '\uDC00z',
    });
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/a', message: 'must not contain NUL characters' },
        { path: '/b/0/c~1d', message: 'must not contain unpaired UTF-16 surrogates' },
        { path: '/k\u0000', message: 'key must not contain NUL characters' },
        { path: '/e', message: 'must not contain unpaired UTF-16 surrogates' },
      ]),
    );
  });

  it('reports nesting beyond the limit once, at the level where it is cut', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const problems = storageProblems({ deep });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/deeper than 32/);
  });
});
