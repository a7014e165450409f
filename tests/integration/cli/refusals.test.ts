// Every refusal of the CLI is one line saying what is wrong and what to do, and the process ends
// at once with a non-zero code: scripts and CI must never wait on a command that already gave up.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCell, jupyterText, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';

const BIN = join(import.meta.dirname, '../../../bin/pairbook.mjs');
/** A generous upper bound: a refusal takes about a second here; before the fix, forever. */
const ENDS_WITHIN_MS = 20_000;

interface Run {
  /** The exit code; null when the process had to be killed after ENDS_WITHIN_MS. */
  code: number | null;
  stdout: string;
  stderr: string;
}

function pairbook(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        timeout: ENDS_WITHIN_MS,
        killSignal: 'SIGKILL',
        env: { ...process.env, PAIRBOOK_DATA_DIR: tempDir() },
      },
      (_e, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

/** The one line a refusal prints on stderr. */
function oneLine(r: Run): string {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0] as string;
}

const dir = tempDir();
const good = writeNotebook(notebook([codeCell('a', ['x = 1'])]));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const BAD_FILES: [string, string, RegExp][] = [
  ['a missing file', join(dir, 'missing.ipynb'), /cannot read .*missing\.ipynb: no such file/],
  ['a folder', (mkdirSync(join(dir, 'folder.ipynb')), join(dir, 'folder.ipynb')), /not a file/],
  ['bad JSON', file('bad.ipynb', '{"cells": [\n'), /not valid JSON: line \d+, column \d+/],
  ['an empty file', file('empty.ipynb', ''), /empty\.ipynb is not valid JSON/],
  [
    'nbformat 3',
    file('v3.ipynb', '{"metadata": {}, "nbformat": 3, "nbformat_minor": 0, "worksheets": []}'),
    /nbformat 3 notebook.*pairbook upgrade FILE/,
  ],
  [
    'nbformat 5',
    file('v5.ipynb', jupyterText({ ...notebook([]), nbformat: 5 })),
    /nbformat 5 notebook, newer than Pairbook understands/,
  ],
];

describe('pairbook serve and host refuse a file and exit at once', () => {
  for (const command of ['serve', 'host']) {
    for (const [what, path, reason] of BAD_FILES) {
      it(`${command}: ${what}`, async () => {
        const r = await pairbook(command, path, '--no-kernel');
        expect(r.code).toBe(1);
        expect(oneLine(r)).toMatch(new RegExp(`^pairbook ${command}: .*${reason.source}`));
        expect(r.stdout).toBe('');
      });
    }
  }
});

describe('pairbook check gives a reason, never a stack trace', () => {
  it('for a notebook nested 5,000 levels deep and a stream whose text is a number', async () => {
    const deep = '{"a": '.repeat(5000) + '1' + '}'.repeat(5000);
    const nested = file(
      'deep.ipynb',
      jupyterText(notebook([])).replace('"metadata": {', `"metadata": {\n  "deep": ${deep},`),
    );
    const stream = writeNotebook(
      notebook([codeCell('a', ['print(1)'], [{ output_type: 'stream', name: 'stdout', text: 5 }])]),
      'stream.ipynb',
    );
    const r = await pairbook('check', nested, stream, good);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual([
      `FAIL ${nested}: "metadata" is nested more than 500 levels deep, which Jupyter cannot read either`,
      `FAIL ${stream}: cells[0].outputs[0]: a stream output's "text" must be a string or a list of strings`,
      `ok   ${good}: saves byte for byte`,
    ]);
  });
});

describe('pairbook options: a wrong one is named, with what it should be', () => {
  const cases: [string, string[], RegExp][] = [
    [
      '--role admin',
      ['host', good, '--role', 'admin'],
      /^pairbook host: --role must be viewer, editor or runner, not "admin"$/,
    ],
    [
      '--port abc',
      ['serve', good, '--port', 'abc'],
      /^pairbook serve: --port must be a whole number from 0 to 65535 .*not "abc"$/,
    ],
    [
      '--port 99999',
      ['host', good, '--port', '99999'],
      /^pairbook host: --port must be a whole number from 0 to 65535 .*not "99999"$/,
    ],
    [
      '--expires -5',
      ['host', good, '--expires', '-5'],
      /^pairbook host: --expires must be a number of minutes above 0, not "-5"$/,
    ],
    [
      'an unknown option',
      ['serve', good, '--colour'],
      /^pairbook serve: unknown option --colour \(see pairbook serve --help\)$/,
    ],
    ['no file', ['host'], /^pairbook host: name the notebook: pairbook host FILE\.ipynb$/],
    ['two files', ['serve', good, good], /^pairbook serve: one notebook at a time/],
    ['a missing value', ['serve', good, '--port'], /^pairbook serve: --port needs a value/],
    [
      'upgrade of a missing file',
      ['upgrade', join(dir, 'missing.ipynb')],
      /^pairbook upgrade: cannot read .*missing\.ipynb: no such file$/,
    ],
  ];
  for (const [what, args, reason] of cases) {
    it(what, async () => {
      const r = await pairbook(...args);
      expect(r.code).not.toBe(0);
      expect(r.code).not.toBeNull();
      expect(oneLine(r)).toMatch(reason);
    });
  }
});

describe('pairbook COMMAND --help', () => {
  for (const command of ['check', 'upgrade', 'serve', 'host']) {
    it(`${command} --help prints its usage and exits 0`, async () => {
      const r = await pairbook(command, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: pairbook ${command} `));
      expect(r.stderr).toBe('');
    });
  }
});
