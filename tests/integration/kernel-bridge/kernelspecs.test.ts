import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findKernelSpec,
  findKernelSpecs,
  kernelSpecDirs,
} from '../../../kernel-bridge/kernelspecs';

let root: string;
let env: NodeJS.ProcessEnv;

async function writeSpec(dataDir: string, folder: string, json: unknown): Promise<void> {
  await mkdir(join(dataDir, 'kernels', folder), { recursive: true });
  await writeFile(join(dataDir, 'kernels', folder, 'kernel.json'), JSON.stringify(json));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pairbook-specs-'));
  const first = join(root, 'first');
  const second = join(root, 'second');
  const user = join(root, 'user');
  await writeSpec(first, 'Fake', {
    argv: ['/bin/fake', '-f', '{connection_file}'],
    display_name: 'Fake (first)',
    language: 'fakelang',
    env: { FAKE: '1' },
    interrupt_mode: 'message',
    metadata: { debugger: false },
  });
  await writeSpec(second, 'fake', { argv: ['/bin/other'], display_name: 'Fake (second)' });
  await writeSpec(second, 'python3', { argv: ['/bin/shadow'], display_name: 'Shadowing Python' });
  await writeSpec(user, 'userkernel', { argv: ['/bin/u'], display_name: 'User', language: 'u' });
  await writeSpec(second, 'broken', { display_name: 'no argv' });
  await mkdir(join(second, 'kernels', 'not-json'), { recursive: true });
  await writeFile(join(second, 'kernels', 'not-json', 'kernel.json'), '{');
  env = { HOME: root, JUPYTER_PATH: `${first}:${second}`, JUPYTER_DATA_DIR: user };
});

afterAll(() => rm(root, { recursive: true, force: true }));

describe('kernelspec discovery', () => {
  it('searches JUPYTER_PATH, then the user data dir, then the system dirs', async () => {
    expect(await kernelSpecDirs({ env })).toEqual([
      join(root, 'first', 'kernels'),
      join(root, 'second', 'kernels'),
      join(root, 'user', 'kernels'),
      '/usr/local/share/jupyter/kernels',
      '/usr/share/jupyter/kernels',
    ]);
  });

  it('uses ~/.local/share/jupyter without JUPYTER_DATA_DIR', async () => {
    const dirs = await kernelSpecDirs({ env: { HOME: root } });
    expect(dirs[0]).toBe(join(root, '.local', 'share', 'jupyter', 'kernels'));
  });

  it('reads every field of a spec, and the earliest folder wins a name clash', async () => {
    const fake = await findKernelSpec('fake', { env });
    expect(fake).toEqual({
      name: 'fake',
      displayName: 'Fake (first)',
      language: 'fakelang',
      argv: ['/bin/fake', '-f', '{connection_file}'],
      env: { FAKE: '1' },
      interruptMode: 'message',
      resourceDir: join(root, 'first', 'kernels', 'Fake'),
      metadata: { debugger: false },
    });
    expect((await findKernelSpec('python3', { env })).displayName).toBe('Shadowing Python');
  });

  it('lists user and system kernels, skipping folders without a usable kernel.json', async () => {
    const names = (await findKernelSpecs({ env })).map((s) => s.name);
    expect(names).toContain('userkernel');
    expect(names).not.toContain('broken');
    expect(names).not.toContain('not-json');
    const python = (await findKernelSpecs({ env: { HOME: root } })).find(
      (s) => s.name === 'python3',
    );
    expect(python?.argv[0]).toBe('/usr/bin/python3');
    expect(python?.interruptMode).toBe('signal');
  });

  it('searches <prefix>/share/jupyter/kernels of the Python the user points at', async () => {
    // Debian's python3 has prefix /usr: its share/jupyter comes before /usr/local's.
    const dirs = await kernelSpecDirs({ env: { HOME: root }, python: '/usr/bin/python3' });
    expect(dirs.indexOf('/usr/share/jupyter/kernels')).toBeLessThan(
      dirs.indexOf('/usr/local/share/jupyter/kernels'),
    );
    await expect(kernelSpecDirs({ python: '/nonexistent/python' })).rejects.toThrow(
      /cannot run \/nonexistent\/python.*choose another Python/,
    );
  });

  it('says which kernels exist when the one asked for does not', async () => {
    await expect(findKernelSpec('nope', { env })).rejects.toThrow(
      /no kernel named "nope" \(installed: .*fake.*\) — install it/,
    );
  });
});
