// Completion and inspection through the session, from guests behind the hub's role guard, on a
// real ipykernel: the run permission, results for the requester alone, positions as the editor
// counts them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKernel } from '../../../host/session/kernel-choice';
import { NotebookSession } from '../../../host/session/notebook-session';
import { refusal } from '../../../protocol/requests';
import { sampleNotebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { type GuardedGuest, connectGuest } from './guarded-client';

let session: NotebookSession;
let runner: GuardedGuest;
let bystander: GuardedGuest;

beforeAll(async () => {
  session = await NotebookSession.open(writeNotebook(sampleNotebook()), { dataDir: tempDir() });
  await startLocalKernel(session);
  runner = connectGuest(session, 'runner', 'Rita');
  bystander = connectGuest(session, 'runner', 'Bo');
  await Promise.all([runner.synced, bystander.synced]);
});

afterAll(async () => {
  runner?.client.destroy();
  bystander?.client.destroy();
  await session?.close();
});

describe('completion and inspection for guests', () => {
  it('completes `import o` for a runner, and tells no one else', async () => {
    const before = bystander.notices.length;
    const reply = await runner.client.request({ type: 'complete', code: 'import o', cursor: 8 });
    expect(reply.ok).toBe(true);
    expect(reply.result).toMatchObject({ kind: 'completions', from: 7, to: 8 });
    expect(reply.result?.kind === 'completions' && reply.result.matches).toContain('os');
    expect(bystander.notices.slice(before)).toEqual([]);
  });

  it('translates positions past characters outside the BMP (UTF-16 in, UTF-16 out)', async () => {
    // '😀' is two UTF-16 units and one code point: `pri` starts at 10 as the editor counts.
    const code = 's = "😀"; pri';
    const reply = await runner.client.request({ type: 'complete', code, cursor: code.length });
    expect(reply.result).toMatchObject({ kind: 'completions', from: 10, to: code.length });
    expect(reply.result?.kind === 'completions' && reply.result.matches).toContain('print');
  });

  it('inspects `print(`: its signature, as text', async () => {
    const reply = await runner.client.request({
      type: 'inspect',
      code: 'print(',
      cursor: 6,
      detail: 0,
    });
    expect(reply.result).toMatchObject({ kind: 'inspection', found: true });
    expect(reply.result?.kind === 'inspection' && reply.result.text).toMatch(/print/);
  });

  it('refuses an editor and a viewer, naming whom to ask (the kernel evaluates code)', async () => {
    for (const role of ['editor', 'viewer'] as const) {
      const guest = connectGuest(session, role, role);
      await guest.synced;
      const request = { type: 'complete', code: 'import o', cursor: 8 } as const;
      const reply = await guest.client.request(request);
      expect(reply).toEqual({
        ok: false,
        code: 'not-allowed',
        message: refusal({ id: 0, ...request }, role),
      });
      guest.client.destroy();
    }
  });
});
