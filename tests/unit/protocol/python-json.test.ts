import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  RawNumber,
  compareCodePoints,
  parseJson,
  parseJsonWithRawNumbers,
  pythonFloatRepr,
  splitLinesPython,
  stringifyPython,
} from '../../../protocol/python-json';

const PY = '/usr/bin/python3';

describe('stringifyPython', () => {
  it('writes what json.dumps(indent=1, sort_keys=True, ensure_ascii=False) writes', () => {
    const value = {
      z: [1, 2.5, -0.0001, 1e-7, 1e16, 123456789012, true, null, []],
      a: { é: 'ünï\u0001"\\/\t\n', '\u{1F600}': {}, '\uffff': 'x', b: [{}] },
      m: 'line\r\n\u2028end',
      '': 0,
    };
    const expected =
      String.raw`{
 "": 0,
 "a": {
  "b": [
   {}
  ],
  "é": "ünï\u0001\"\\/\t\n",
  "￿": "x",
  "😀": {}
 },
 "m": "line\r\n` +
      '\u2028' +
      String.raw`end",
 "z": [
  1,
  2.5,
  -0.0001,
  1e-07,
  10000000000000000,
  123456789012,
  true,
  null,
  []
 ]
}`;
    expect(stringifyPython(value)).toBe(expected);
  });

  it.skipIf(!existsSync(PY))('agrees with real Python on floats, keys and escapes', () => {
    const value = {
      floats: [0.1, 1 / 3, 1e-5, 5e-324, 1.5e-300, 1e15 + 0.5, 2 ** 60, 123.456e5, -2.5e-10],
      keys: { b: 1, B: 2, é: 3, '\u{10000}': 4, '\ue000': 5, _: 6 },
      text: 'tab\there\u007f\u0085 ✓ \\ "q"',
    };
    const python = execFileSync(
      PY,
      [
        '-c',
        'import json,sys; v=json.load(sys.stdin); sys.stdout.write(json.dumps(v, indent=1, sort_keys=True, ensure_ascii=False))',
      ],
      { input: JSON.stringify(value) },
    ).toString('utf8');
    expect(stringifyPython(value)).toBe(python);
  });

  it('keeps the spelling of a number that did not change', () => {
    const hint = parseJsonWithRawNumbers('{"a": 1.0, "b": 1E3, "c": 12345678901234567890}');
    expect(stringifyPython({ a: 1, b: 1000, c: Number('12345678901234567890') }, hint)).toBe(
      '{\n "a": 1.0,\n "b": 1E3,\n "c": 12345678901234567890\n}',
    );
    expect(stringifyPython({ a: 2, b: 1000, c: 1 }, hint)).toBe(
      '{\n "a": 2,\n "b": 1E3,\n "c": 1\n}',
    );
  });
});

describe('pythonFloatRepr', () => {
  it.each([
    [0.1, '0.1'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1e16, '1e+16'],
    [Number('1234567890123456.7'), '1234567890123456.8'],
    [2.5, '2.5'],
    [-0, '-0.0'],
    [1e22, '1e+22'],
    [1.5e300, '1.5e+300'],
  ])('formats %d as %s', (value, text) => {
    expect(pythonFloatRepr(value)).toBe(text);
  });
});

describe('splitLinesPython', () => {
  it.each([
    ['', []],
    ['a', ['a']],
    ['a\n', ['a\n']],
    ['a\nb', ['a\n', 'b']],
    ['a\r\nb\rc', ['a\r\n', 'b\r', 'c']],
    ['a\x0bb\x0cc\x1cd\u0085e\u2028f', ['a\x0b', 'b\x0c', 'c\x1c', 'd\u0085', 'e\u2028', 'f']],
  ])('splits %j like str.splitlines(True)', (text, lines) => {
    expect(splitLinesPython(text)).toEqual(lines);
  });
});

describe('compareCodePoints', () => {
  it('sorts astral characters after the private use area, as Python does', () => {
    expect(['\u{1F600}', '\ue000', 'a'].sort(compareCodePoints)).toEqual([
      'a',
      '\ue000',
      '\u{1F600}',
    ]);
  });
});

describe('parseJson', () => {
  it('says on which line and column the JSON breaks', () => {
    const r = parseJson('{\n "cells": [\n  1,\n  ]\n}', 'nb.ipynb');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-json');
      expect(r.error.message).toBe(
        "nb.ipynb is not valid JSON: line 4, column 3: a ',' before ']' (trailing commas are not JSON)",
      );
    }
  });

  it('says when the text stops in the middle', () => {
    const r = parseJson('{"cells": [', 'cut.ipynb');
    expect(!r.ok && r.error.message).toMatch(/cut\.ipynb is not valid JSON: line 1, column 12/);
  });

  it('keeps numbers Python would spell differently as RawNumber', () => {
    const v = parseJsonWithRawNumbers('[1.0, 2, 0.5, -1e-7, "1.0"]') as unknown[];
    expect(v[0]).toEqual(new RawNumber('1.0', 1));
    expect(v.slice(1, 3)).toEqual([2, 0.5]);
    expect(v[3]).toEqual(new RawNumber('-1e-7', -1e-7));
    expect(v[4]).toBe('1.0');
  });
});
