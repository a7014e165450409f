// One table of what each request kind needs (protocol/requests.ts), one of how the session
// handles each (session-requests.ts): a kind in one and not the other fails here (and the
// type-check), and every kind the wire format accepts is in both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { NotebookSession } from '../../../host/session/notebook-session';
import { sessionRequests } from '../../../host/session/session-requests';
import { type ClientRequest, decodeRequest } from '../../../protocol/hub-messages';
import { REQUEST_RULES, refusal, requiredAction } from '../../../protocol/requests';
import type { Role } from '../../../protocol/roles';
import { createTransportPair } from '../../../protocol/transport';
import { HubClient } from '../../../renderer/connection/hub-client';
import { sampleNotebook, tempDir, writeNotebook } from '../../helpers/notebooks';

/** One well-formed request of each kind the wire format knows. */
const SAMPLES: ClientRequest[] = [
  { id: 1, type: 'run', cellIds: ['a'], digests: [''] },
  { id: 2, type: 'interrupt' },
  { id: 3, type: 'restart' },
  { id: 4, type: 'save' },
  { id: 5, type: 'reload' },
  { id: 6, type: 'change-kernel', name: 'python3' },
  { id: 7, type: 'kernel-server', url: null, token: '' },
  { id: 8, type: 'input-reply', inputId: 'x', value: '' },
  { id: 9, type: 'complete', code: 'import o', cursor: 8 },
  { id: 10, type: 'inspect', code: 'print(', cursor: 6, detail: 0 },
  { id: 12, type: 'timeline-steps', limit: 20 },
  { id: 13, type: 'timeline-view', step: 1 },
  { id: 14, type: 'timeline-diff', from: 1, to: 2, cellIds: ['a'] },
  { id: 15, type: 'timeline-blame', cellId: 'a' },
  { id: 16, type: 'timeline-restore', step: 1, cellId: 'a' },
  { id: 17, type: 'timeline-clear' },
];

const decodes = (json: unknown) => {
  const enc = encoding.createEncoder();
  encoding.writeVarString(enc, JSON.stringify(json));
  return decodeRequest(decoding.createDecoder(encoding.toUint8Array(enc))).ok;
};

describe('request kinds', () => {
  let session: NotebookSession;
  beforeAll(async () => {
    session = await NotebookSession.open(writeNotebook(sampleNotebook()), { dataDir: tempDir() });
  });
  afterAll(async () => {
    await session.close();
  });

  it('each has a rule and a handler, and nothing else has either', () => {
    const kinds = (o: object) => Object.keys(o).sort();
    expect(kinds(sessionRequests(session))).toEqual(kinds(REQUEST_RULES));
    expect(SAMPLES.map((r) => r.type).sort()).toEqual(kinds(REQUEST_RULES));
    for (const r of SAMPLES) expect(decodes(r), r.type).toBe(true);
    expect(decodes({ id: 11, type: 'shutdown-host' })).toBe(false);
    expect(decodes({ id: 18, type: 'timeline-steps', limit: 100_000 })).toBe(false);
    expect(decodes({ id: 19, type: 'timeline-view', step: -1 })).toBe(false);
    expect(decodes({ id: 20, type: 'timeline-blame', cellId: 'x'.repeat(65) })).toBe(false);
  });

  it("refuses a guest what its role lacks at the session too, in the rule's words", async () => {
    // Attached with a role but without the hub's guard: the session's router is the only line.
    const [hostEnd, guestEnd] = createTransportPair();
    const role = { value: 'editor' as Role };
    session.attach(Object.assign(hostEnd, { participantRole: () => role.value }), { name: 'Ed' });
    const ed = new HubClient(() => guestEnd);
    ed.connect();
    await expect.poll(() => ed.status).toBe('synced');
    for (const r of SAMPLES) {
      const needs = requiredAction(r);
      if (needs !== 'run' && needs !== 'manage') continue;
      expect(await ed.request(r as never), r.type).toEqual({
        ok: false,
        code: 'not-allowed',
        message: refusal(r, 'editor'),
      });
    }
    // Made a runner while connected: the next request is checked against the new role.
    role.value = 'runner';
    expect(await ed.request({ type: 'interrupt' })).toMatchObject({ code: 'no-kernel' });
    ed.destroy();
  });
});
