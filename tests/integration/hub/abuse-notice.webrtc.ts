// The host is told when a guest is cut off for abuse: who, by which link, what they did, and
// what to do about it; once, not as a "left" toast beside it, nor a toast for each attempt the
// hub then turns away while it spaces out joins on that link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharingController } from '../../../host/shell/sharing-controller';
import { NotebookSession } from '../../../host/session/notebook-session';
import type { SharingState } from '../../../protocol/desktop-api';
import { sampleNotebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { until } from './harness';
import { attacker } from './raw-channel';

const step1 = new Uint8Array([0, 0, 1, 0]);

describe('SharingController: a guest cut off for abuse', () => {
  let session: NotebookSession;
  let sharing: SharingController;
  const pushed: SharingState[] = [];
  beforeAll(async () => {
    session = await NotebookSession.open(writeNotebook(sampleNotebook()), {
      dataDir: tempDir(),
      autosaveDelayMs: 0,
    });
    sharing = new SharingController(session, {
      listenHost: '127.0.0.1',
      webBase: () => null,
      push: (s) => pushed.push(s),
    });
  });
  afterAll(async () => {
    await sharing.stop();
    await session.close();
  });

  /** What the host was told since push `from`: each change once (a push repeats the last). */
  const told = (from: number) => {
    const seen = pushed[from - 1]?.change?.seq ?? 0;
    const changes = pushed.slice(from).flatMap((s) => (s.change ? [s.change] : []));
    return [...new Set(changes.filter((c) => c.seq > seen).map((c) => c.text))];
  };

  /** Mallory joins with `link` and floods sync step 1 until she is cut off. */
  async function flood(link: string): Promise<void> {
    const m = await attacker(link);
    for (let i = 0; i < 20; i++) m.guest.send(step1);
    await until(() => m.closed() !== null, 20_000, 'Mallory is cut off');
    m.connection.destroy();
  }

  it('says who, by which link, what they did, and what the host can do; once', async () => {
    const made = await sharing.api().createInvite({ role: 'editor', expiresInMinutes: null });
    if (!made.ok) throw new Error(made.error);
    const link = made.value.link;

    let from = pushed.length;
    await flood(link);
    await until(() => told(from).some((t) => /cut off/.test(t)), 10_000, 'the host is told');
    await new Promise((r) => setTimeout(r, 300));
    expect(told(from)).toEqual([
      'Mallory joined as editor',
      'Mallory (Editor link 1) was cut off for sending too much too fast; if you do not know ' +
        'who this is, revoke Editor link 1 in Share',
    ]);

    // A second cut-off: joins on the link are now spaced out, and the host is told so.
    from = pushed.length;
    await flood(link);
    await until(() => told(from).some((t) => /cut off/.test(t)), 10_000, 'the host is told');
    expect(told(from).filter((t) => /cut off/.test(t))).toEqual([
      'Mallory (Editor link 1) was cut off for sending too much too fast; new joins with ' +
        'Editor link 1 wait 1 s; if you do not know who this is, revoke Editor link 1 in Share',
    ]);

    // Turned away while joins wait: the hub refuses her, the host is not told each time.
    from = pushed.length;
    await expect(flood(link)).rejects.toThrow(/could not join/);
    expect(told(from)).toEqual([]);
  });
});
