import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureNotebooks } from '../../helpers/fixtures';
import {
  codeCell,
  jupyterText,
  notebook,
  sampleNotebook,
  tempDir,
  writeNotebook,
} from '../../helpers/notebooks';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../../bin/pairbook.mjs');

async function pairbook(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const r = e as { code: number; stdout: string; stderr: string };
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  }
}

describe('npx pairbook check', () => {
  it('exits 0 when every notebook opens and saves losslessly', async () => {
    const a = writeNotebook(sampleNotebook());
    const b = writeNotebook(notebook([codeCell('x', ['1'])]));
    const r = await pairbook('check', a, b);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `ok   ${a}: saves byte for byte`,
      `ok   ${b}: saves byte for byte`,
    ]);
  });

  it('exits 1 and gives each bad file its reason on one line', async () => {
    const good = writeNotebook(sampleNotebook());
    const broken = writeNotebook(jupyterText(sampleNotebook()).slice(0, 200), 'broken.ipynb');
    const notNb = writeNotebook('{"hello": "world"}\n', 'data.ipynb');
    const r = await pairbook('check', good, broken, notNb, '/nonexistent/x.ipynb');
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ok /);
    expect(lines[1]).toMatch(
      /^FAIL .*broken\.ipynb: broken\.ipynb is not valid JSON: line \d+, column \d+: /,
    );
    expect(lines[2]).toMatch(/^FAIL .*data\.ipynb: this is JSON but not a Jupyter notebook/);
    expect(lines[3]).toMatch(/^FAIL \/nonexistent\/x\.ipynb: cannot read .*no such file/);
  });

  it('says how to use it when given nothing', async () => {
    const r = await pairbook('check');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: pairbook check FILE/);
  });

  it.skipIf(!FIXTURES)(
    'passes the Jupyter-written corpus and fails the invalid fixtures',
    async () => {
      const real = await pairbook('check', ...fixtureNotebooks('real'));
      expect(real.code).toBe(0);
      const invalid = await pairbook(
        'check',
        ...fixtureNotebooks('nbformat').filter((p) =>
          /\/(invalid|invalid_cell_id|invalid_unique_cell_id|test3)\.ipynb$/.test(p),
        ),
      );
      expect(invalid.code).toBe(1);
      expect(invalid.stdout).not.toMatch(/^ok /m);
    },
  );
});

describe('npx pairbook upgrade', () => {
  it.skipIf(!FIXTURES)(
    'writes an nbformat 4 copy with the same cells nbformat itself makes',
    async () => {
      const dir = tempDir();
      const v3 = fixtureNotebooks('nbformat').find((p) => p.endsWith('/test3.ipynb')) as string;
      copyFileSync(v3, join(dir, 'old.ipynb'));
      const r = await pairbook('upgrade', join(dir, 'old.ipynb'));
      expect(r.code).toBe(0);
      expect(readdirSync(dir).sort()).toEqual(['old.ipynb', 'old.v4.ipynb']);
      expect(readFileSync(join(dir, 'old.ipynb'))).toEqual(readFileSync(v3));
      const { stdout } = await run('/usr/bin/python3', [
        '-c',
        `import nbformat, json, sys
ours = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(ours)
theirs = nbformat.read(sys.argv[2], as_version=4)
strip = lambda nb: [{k: v for k, v in c.items() if k != 'id'} for c in nb.cells]
print(json.dumps(strip(ours) == strip(theirs)))`,
        join(dir, 'old.v4.ipynb'),
        v3,
      ]);
      expect(stdout.trim()).toBe('true');
      expect((await pairbook('check', join(dir, 'old.v4.ipynb'))).code).toBe(0);
    },
  );

  it('refuses a notebook that is already nbformat 4', async () => {
    const r = await pairbook('upgrade', writeNotebook(sampleNotebook()));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/only nbformat 2 and 3 notebooks need upgrading/);
  });
});

describe('npx pairbook serve --jupyter-server', () => {
  it('refuses an address that is not a Jupyter server URL, saying what one looks like', async () => {
    const path = writeNotebook(notebook([codeCell('x', ['1'])]));
    const r = await pairbook('serve', path, '--jupyter-server', 'ftp://example.org/');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/starts with http:\/\/ or https:\/\/, not ftp:\/\//);
    expect(r.stdout).toBe('');
  });
});
