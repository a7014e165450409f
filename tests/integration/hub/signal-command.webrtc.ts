// `pairbook signal` for real: the standalone signaling server and a `pairbook host --signaling`
// using it, each a process of its own started through the CLI entry, and guests joining over
// WebRTC through it. Someone holding the link who claims the peer id host on its topic, with a
// key of their own or none, gets nothing, and guests still reach the real host.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HOST_CHALLENGE_HEADER, HostProver } from '../../../host/hub/signaling/host-proof';
import { parseInvite } from '../../../protocol/invite';
import { deriveInviteKeys } from '../../../protocol/signaling-crypto';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { Client } from '../../unit/hub/signaling-test-client';
import { joinGuest, sources, until } from './harness';

const BIN = join(import.meta.dirname, '../../../bin/pairbook.mjs');

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Starts `pairbook ARGS` and resolves with its output so far once `ready` matches it. */
async function pairbook(args: string[], ready: RegExp) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, PAIRBOOK_DATA_DIR: tempDir() },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (err += String(d)));
  cleanup.push(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  });
  await until(() => ready.test(out) || child.exitCode !== null, 30_000, `pairbook ${args[0]}`);
  if (!ready.test(out)) throw new Error(`pairbook ${args[0]} exited:\n${out}\n${err}`);
  return { child, out: () => out, err: () => err };
}

/** A socket that proves a key of its own and claims the peer id host on `topic`. */
async function claimWithOwnKey(url: string, topic: string) {
  const ws = new WebSocket(url);
  cleanup.push(() => ws.terminate());
  const received: unknown[] = [];
  let challenge = '';
  let closed: string | null = null;
  ws.on('upgrade', (res) => (challenge = String(res.headers[HOST_CHALLENGE_HEADER] ?? '')));
  ws.on('message', (d) => received.push(JSON.parse(d.toString())));
  ws.on('close', (_code, reason) => (closed = reason.toString()));
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify(new HostProver().prove(challenge)));
  ws.send(JSON.stringify({ type: 'subscribe', topics: [topic], from: 'host' }));
  ws.send(JSON.stringify({ type: 'publish', topic, data: 'x', from: 'host', to: 'anyone' }));
  await until(() => closed !== null, 10_000, 'the claim is refused');
  return { received, closed: closed as string | null };
}

describe('pairbook signal', () => {
  it('carries a host on another process and its guests; a second host claim gets nothing', async () => {
    const signal = await pairbook(
      ['signal', '--port', '0', '--host', '127.0.0.1'],
      /signaling server on ws:\/\/\S+;/,
    );
    const url = /signaling server on (ws:\/\/\S+);/.exec(signal.out())?.[1] as string;
    const path = writeNotebook(notebook([codeCell('a', ['x = 1'])]));
    const host = await pairbook(['host', path, '--json', '--signaling', url], /"event":"ready"/);
    const ready = JSON.parse(
      host
        .out()
        .split('\n')
        .find((l) => l.includes('"ready"')) ?? '{}',
    ) as { invite: string };
    const invite = parseInvite(ready.invite);
    if (!invite.ok) throw invite.error;
    expect(invite.value.signaling).toEqual([url]);

    const ada = await joinGuest(ready.invite);
    cleanup.push(() => (ada.client.destroy(), ada.connection.destroy()));
    expect(sources(ada.doc)).toEqual(['x = 1']);

    // Mallory holds the link: she knows the topic.
    const { topic } = await deriveInviteKeys(invite.value.secret, invite.value.sessionId);
    const ownKey = await claimWithOwnKey(url, topic);
    expect(ownKey.closed).toMatch(/another host holds this topic/);
    expect(ownKey.received).toEqual([]);
    const noKey = await Client.open(url);
    cleanup.push(() => noKey.ws.terminate());
    noKey.send({ type: 'subscribe', topics: [topic], from: 'host' });
    await noKey.closed;
    expect(noKey.closeReason).toMatch(/reserved/);
    expect(noKey.received).toEqual([]);

    const bo = await joinGuest(ready.invite, { name: 'Bo' });
    cleanup.push(() => (bo.client.destroy(), bo.connection.destroy()));
    expect(sources(bo.doc)).toEqual(['x = 1']);
    await until(() => /"event":"join"[^\n]*"name":"Bo"/.test(host.out()), 10_000, "Bo's join");
    expect(signal.child.exitCode).toBeNull();
  });
});
