// The browser shell's address from one run to the next: the page's saved settings belong to it.
import { afterEach, describe, expect, it } from 'vitest';
import {
  BrowserShellServer,
  DEFAULT_PORTS,
} from '../../../host/browser-shell/browser-shell-server';
import { NotebookSession } from '../../../host/session/notebook-session';
import { sampleNotebook, tempDir, writeNotebook } from '../../helpers/notebooks';

const running: { server: BrowserShellServer; session: NotebookSession }[] = [];

async function serve(port?: number): Promise<{ server: BrowserShellServer; port: number }> {
  const session = await NotebookSession.open(writeNotebook(sampleNotebook()), {
    dataDir: tempDir(),
  });
  const server = new BrowserShellServer(session, { distDir: tempDir(), port, version: 'test' });
  running.push({ server, session });
  return { server, port: Number(new URL(await server.start()).port) };
}

afterEach(async () => {
  for (const { server, session } of running.splice(0)) {
    await server.stop();
    await session.close();
  }
});

describe('BrowserShellServer port', () => {
  it('serves again from the port it had, and from a later one while that is taken', async () => {
    const first = await serve();
    expect(DEFAULT_PORTS).toContain(first.port);
    expect(first.port).not.toBe(0);
    const second = await serve();
    expect(second.port).toBeGreaterThan(first.port);
    expect(DEFAULT_PORTS).toContain(second.port);

    await first.server.stop();
    const again = await serve();
    expect(again.port).toBe(first.port);
  });

  it('takes a port given exactly, and fails if it is taken', async () => {
    const first = await serve(0);
    expect(DEFAULT_PORTS.slice(0, -1)).not.toContain(first.port);
    await expect(serve(first.port)).rejects.toThrow(/EADDRINUSE/);
  });
});
