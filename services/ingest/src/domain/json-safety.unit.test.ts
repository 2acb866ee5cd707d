import { describe, expect, it } from 'vitest';
import {
  isPlainWholeNumber,
  jsonStructureProblem,
  MAX_JSON_DEPTH,
  parseStrictJson,
  storageProblems,
} from './json-safety.ts';

const tooDeep = (text: string, limit?: number) =>
  /nested deeper/.test(jsonStructureProblem(text, limit) ?? '');

describe('jsonStructureProblem', () => {
  it('counts array/object nesting and ignores brackets inside strings', () => {
    expect(tooDeep('{"a":[1,{"b":2}]}', 3)).toBe(false);
    expect(tooDeep('{"a":[1,{"b":[2]}]}', 3)).toBe(true);
    expect(tooDeep(JSON.stringify({ s: '[[[[[[[[[[{{{{{' }), 1)).toBe(false);
    expect(tooDeep('{"s":"\\"[[[[[["}', 1)).toBe(false);
  });

  it('handles 10 000 levels without recursion', () => {
    expect(tooDeep(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)).toBe(true);
    expect(tooDeep(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).toBe(false);
  });

  it('finds a key repeated in one object at any depth, however it is escaped, with its place', () => {
    expect(jsonStructureProblem('{"a":1,"a":2}')).toBe('duplicate key "a" in the object at /');
    expect(jsonStructureProblem('{"a":1,"\\u0061":2}')).toBe('duplicate key "a" in the object at /');
    expect(jsonStructureProblem('{"x":[0,{"k":1}],"y":[{"b":1},{"c":{"k":1,"k":2}}]}')).toBe(
      'duplicate key "k" in the object at /y/1/c',
    );
    // The same key in different objects, and a value equal to a key, are fine.
    expect(jsonStructureProblem('{"a":{"a":"a"},"b":[{"a":1},{"a":2}],"c":"a"}')).toBeUndefined();
  });
});

describe('parseStrictJson', () => {
  const parse = (text: string | Buffer) => parseStrictJson(Buffer.isBuffer(text) ? text : Buffer.from(text));
  const refused = (text: string | Buffer) => {
    const parsed = parse(text);
    return parsed.ok ? undefined : parsed.message;
  };

  it('parses ordinary JSON and keeps each number as it was written', () => {
    const parsed = parse('{"id":2000001,"f":2000001.0,"e":2.000001e6,"list":[1.5]}');
    if (!parsed.ok) throw new Error(parsed.message);
    const value = parsed.value as { list: number[] };
    expect(parsed.numberSource(value, 'id')).toBe('2000001');
    expect(parsed.numberSource(value, 'f')).toBe('2000001.0');
    expect(parsed.numberSource(value, 'e')).toBe('2.000001e6');
    expect(parsed.numberSource(value.list, 0)).toBe('1.5');
  });

  it('refuses invalid UTF-8, duplicate keys and numbers that cannot be kept as written', () => {
    expect(
      refused(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])),
    ).toMatch(/UTF-8/);
    expect(refused('{"a":{"b":1,"b":1}}')).toMatch(/duplicate key "b"/);
    expect(refused('{"a":1e400}')).toMatch(/1e400 is out of range/);
    expect(refused('{"a":-1e400}')).toMatch(/out of range/);
    expect(refused('{"a":1e-400}')).toMatch(/too small/);
    expect(refused(`{"a":${'9'.repeat(5000)}}`)).toMatch(/out of range/);
    expect(refused(`{"a":0.${'1'.repeat(5000)}}`)).toMatch(/more digits/);
    expect(refused('{"a":12345678901234567890}')).toMatch(/more digits/);
    expect(
      refused('{"a":[0, 0.0, 1e-5, 0.1, 3.141592653589793, 9007199254740991, -12.5e3]}'),
    ).toBeUndefined();
  });
});

describe('isPlainWholeNumber', () => {
  it('accepts one spelling per whole number', () => {
    expect(['0', '1', '2000001'].every(isPlainWholeNumber)).toBe(true);
    expect(['-2000001', '2000001.0', '2.000001e6', '01', '1E3', ''].some(isPlainWholeNumber)).toBe(false);
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
