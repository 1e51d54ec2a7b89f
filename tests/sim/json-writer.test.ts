import { describe, expect, it } from 'vitest';
import { idNumber, RawNumber, writeJson } from '../../src/sim/json-writer';

describe('json writer', () => {
  it('writes ids beyond 2^53 as raw numbers with every digit', () => {
    const text = writeJson({ id: idNumber('9007199254740993'), big: idNumber('18446744073709551615'), n: 5 });
    expect(text).toBe('{"id":9007199254740993,"big":18446744073709551615,"n":5}');
  });

  it('matches JSON.stringify for ordinary values and leaves out undefined members', () => {
    const value = { a: 'x"y\n', b: [1, true, null, { c: 0.5 }], d: undefined, e: {} };
    expect(writeJson(value)).toBe(JSON.stringify(value));
  });

  it('refuses what is not an integer literal or not JSON', () => {
    expect(() => new RawNumber('12a')).toThrow(/not an integer/);
    expect(() => new RawNumber('0123')).toThrow(/not an integer/);
    expect(() => writeJson(Number.NaN)).toThrow(/cannot write/);
    expect(() => writeJson(10n)).toThrow(/cannot write/);
  });
});
