// A real full disk: a 1 MB tmpfs mounted in the test's own mount namespace (needs root), holding
// the journal in one test and the notebook in the other. The host runs in a child process inside
// that namespace (full-disk-child.ts) and reports what everyone saw.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import type { HostNotice } from '../../../protocol/hub-messages';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';

const CHILD = join(import.meta.dirname, 'full-disk-child.ts');
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('full-disk tests skipped: mounting a small tmpfs needs root');

/**
 * Runs `script` (sh) in a new mount namespace with a 1 MB tmpfs on $1, and `node CHILD` as
 * $NODE. Collects the `result` lines; kill -9s the process that prints `kill-me PID`.
 */
async function inSmallDisk(disk: string, script: string): Promise<Record<string, unknown>[]> {
  const mount = `mount -t tmpfs -o size=1m tmpfs "$1" || exit 1\nNODE="${process.execPath} --import tsx ${CHILD}"\n`;
  const child = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', mount + script, 'sh', disk],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const results: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('result '))
      results.push(JSON.parse(line.slice(7)) as Record<string, unknown>);
    if (line.startsWith('kill-me ')) process.kill(Number(line.slice(8)), 'SIGKILL');
  }
  expect(await exited).toBe(0);
  return results;
}

const notices = (list: unknown, code: string) =>
  (list as HostNotice[]).filter(
    (n): n is Extract<HostNotice, { type: 'notice' }> => n.type === 'notice' && n.code === code,
  );

describe.skipIf(!isRoot)('a full disk', () => {
  it('under the journal: edits are refused and reported, never lost; they resume once there is space', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1;'])]));
    const disk = tempDir('pairbook-disk-');
    const data = join(disk, 'data');
    const [typed, recovered] = await inSmallDisk(
      disk,
      `mkdir "$1/data"\n$NODE journal "${path}" "${data}" "$1"\n$NODE recover "${path}" "${data}" "$1"\n`,
    );
    const r = typed as {
      accepted: string[];
      refused: string[];
      relayed: boolean;
      hostRefused: boolean;
      hostNotices: HostNotice[];
      refusedGuestNotices: HostNotice[];
    };
    expect(r.refused).toHaveLength(1);
    expect(r.relayed).toBe(false);
    expect(r.hostRefused).toBe(true);
    // The host is told once, prominently; the guest is told its edit was not kept (no host path).
    const told = notices(r.hostNotices, 'journal-failed');
    expect(told).toHaveLength(1);
    expect(told[0]!.level).toBe('error');
    expect(told[0]!.message).toBe(
      `Pairbook can't write its journal: DISK FULL at ${data}/journals — edits are paused until there is space`,
    );
    const guestTold = notices(r.refusedGuestNotices, 'journal-failed');
    expect(guestTold.length).toBeGreaterThanOrEqual(1);
    expect(guestTold[0]!.message).toMatch(/your edit was not kept/);
    expect(guestTold[0]!.message).not.toContain(disk);

    // Killed with -9 after all that: every accepted edit is recovered, once; the refused one not.
    const { source, recovery } = recovered as { source: string; recovery: { kind: string } };
    expect(recovery.kind).toBe('replayed');
    for (const token of r.accepted) expect(source.split(token)).toHaveLength(2);
    expect(source).not.toContain(r.refused[0]);
    expect(r.accepted).toContain('hfull;');
  });

  it('under the notebook: everyone is told it is not being saved; edits are kept and saved once there is space', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1;'])]));
    const disk = tempDir('pairbook-disk-');
    const [r] = (await inSmallDisk(
      disk,
      `cp "${path}" "$1/nb.ipynb"\n$NODE notebook "$1/nb.ipynb" "${tempDir()}" "$1"\n`,
    )) as [
      { accepted: string[]; saved: string; hostNotices: HostNotice[]; guestNotices: HostNotice[] },
    ];
    for (const token of r.accepted) expect(r.saved).toContain(token);
    expect(r.accepted).toContain('full;');
    const hostTold = notices(r.hostNotices, 'save-failed');
    expect(hostTold).toHaveLength(1);
    expect(hostTold[0]!.message).toMatch(/could not save .*nb\.ipynb: .*no space left on device/i);
    expect(notices(r.guestNotices, 'save-failed')).toHaveLength(1);
    expect(notices(r.guestNotices, 'saved')[0]!.message).toBe('nb.ipynb is being saved again');
  });
});
