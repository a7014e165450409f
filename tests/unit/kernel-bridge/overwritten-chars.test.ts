import { describe, expect, it } from 'vitest';
import { OverwritingText, removeOverwrittenChars } from '../../../kernel-bridge/overwritten-chars';

// JupyterLab 4's removeOverwrittenChars (outputarea/src/model.ts), verbatim, as the oracle.
function jupyterLabBackspace(text: string): string {
  let txt = text;
  let tmp = txt;
  do {
    txt = tmp;
    // eslint-disable-next-line no-control-regex -- verbatim JupyterLab
    tmp = txt.replace(/[^\n]\x08/gm, '');
  } while (tmp.length < txt.length);
  return txt;
}
function jupyterLab(text: string): string {
  let txt = jupyterLabBackspace(text);
  txt = txt.replace(/\r+\n/gm, '\n');
  while (txt.search(/\r[^$]/g) > -1) {
    const base = txt.match(/^(.*)\r+/m)![1]!;
    let insert = txt.match(/\r+(.*)$/m)![1]!;
    insert = insert + base.slice(insert.length, base.length);
    txt = txt.replace(/\r+.*$/m, '\r').replace(/^.*\r/m, insert);
  }
  return txt;
}

// A seeded generator (mulberry32), so a failure can be replayed from the printed seed.
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Where we differ from JupyterLab on purpose (see overwritten-chars.ts): a backspace without a
// character of its line before it, in the raw text. And JupyterLab drops the \r of a trailing
// "\r\r" but keeps a single one; we always keep one.
const differsFromJupyterLab = (text: string) =>
  // eslint-disable-next-line no-control-regex -- a backspace is what this looks for
  /(^|\n|\x08)\x08/.test(text) || /\r\r+$/.test(jupyterLabBackspace(text));

describe('removeOverwrittenChars', () => {
  it.each([
    ['plain text stays', 'abc\ndef', 'abc\ndef'],
    ['a carriage return overwrites the line from its start', 'abcdef\r12', '12cdef'],
    ['progress updates keep the last one', '10%\r20%\r30%', '30%'],
    ['\\r\\n is a newline', 'a\r\nb', 'a\nb'],
    ['a trailing \\r is kept for the next chunk', '50%\r', '50%\r'],
    ['a backspace deletes one character', 'abc\bd', 'abd'],
    ['backspaces never delete a newline', 'a\n\b\bb', 'a\nb'],
    ['several backspaces delete several characters', 'abcd\b\b\bX', 'aX'],
    ['a backspace can delete a carriage return', 'ab\r\bc', 'abc'],
    ['lines are independent', 'a\rb\nc\rd', 'b\nd'],
  ])('%s', (_name, input, expected) => {
    expect(removeOverwrittenChars(input)).toBe(expected);
  });

  it('agrees with JupyterLab on random text', () => {
    const seed = Date.now() % 100000;
    const next = random(seed);
    const alphabet = ['a', 'b', 'c', '\r', '\n', '\b'];
    for (let n = 0; n < 2000; n++) {
      let text = '';
      const length = Math.floor(next() * 16);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      if (differsFromJupyterLab(text)) continue;
      expect(removeOverwrittenChars(text), `seed ${seed}, ${JSON.stringify(text)}`).toBe(
        jupyterLab(text),
      );
    }
  });
});

describe('OverwritingText', () => {
  it('gives the same text as processing all chunks at once, however the text is split', () => {
    const seed = Date.now() % 100000;
    const next = random(seed);
    const alphabet = ['x', 'y', '\r', '\n', '\b'];
    for (let n = 0; n < 1000; n++) {
      const text = new OverwritingText();
      let whole = '';
      for (let c = 0; c < 4; c++) {
        let chunk = '';
        for (let i = Math.floor(next() * 6); i > 0; i--)
          chunk += alphabet[Math.floor(next() * alphabet.length)];
        whole += chunk;
        text.append(chunk);
      }
      if (differsFromJupyterLab(whole)) continue;
      expect(text.text, `seed ${seed}, ${JSON.stringify(whole)}`).toBe(jupyterLab(whole));
    }
  });

  it('keeps writing where a \r left the cursor when the next chunk continues the line', () => {
    const text = new OverwritingText();
    for (const chunk of ['xxx\r', 'x', 'yx\n']) text.append(chunk);
    expect(text.text).toBe('xyx\n');
  });

  it('shows only the last state of a long progress bar, fed update by update', () => {
    const text = new OverwritingText();
    let whole = '';
    for (let i = 0; i <= 2000; i++) {
      const chunk = `\r${String(i).padStart(5)} / 2000 ${'#'.repeat(i % 40)}`;
      whole += chunk;
      text.append(chunk);
    }
    text.append(' done\n');
    expect(text.text).toBe(jupyterLab(whole + ' done\n'));
    // The last update is shorter than the one before it: as in a terminal, the rest still shows.
    expect(text.text).toBe(` 2000 / 2000  done${'#'.repeat(13 + 39 - 18)}\n`);
  });
});
