import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DELIMITER,
  MessageSigner,
  decodeMessage,
  encodeMessage,
} from '../../../kernel-bridge/zmq/wire-codec';

const header = {
  msg_id: 'id1',
  msg_type: 'execute_request',
  session: 's',
  username: 'u',
  date: '2024-01-01T00:00:00.000Z',
  version: '5.3',
};
const message = { header, parent_header: {}, metadata: {}, content: { code: 'pass' }, buffers: [] };

describe('wire codec', () => {
  it('signs the four JSON frames with HMAC-SHA256 in hex, as jupyter_client does', () => {
    const frames = encodeMessage(message, new MessageSigner('secret'));
    expect(frames[0]).toEqual(DELIMITER);
    const hmac = createHmac('sha256', 'secret');
    for (const f of frames.slice(2, 6)) hmac.update(f);
    expect(frames[1]!.toString()).toBe(hmac.digest('hex'));
    expect(JSON.parse(frames[2]!.toString())).toEqual(header);
  });

  it('decodes what it encodes, after routing identities', () => {
    const signer = new MessageSigner('k');
    const frames = [Buffer.from('identity'), ...encodeMessage(message, signer)];
    const decoded = decodeMessage(frames, signer, 'shell');
    expect(decoded).toEqual({ ok: true, value: { ...message, channel: 'shell' } });
  });

  it('refuses a message signed with another key, and says why', () => {
    const frames = encodeMessage(message, new MessageSigner('other'));
    const decoded = decodeMessage(frames, new MessageSigner('k'), 'iopub');
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.error.code).toBe('invalid-message');
      expect(decoded.error.message).toMatch(/iopub message with a wrong signature/);
    }
  });

  it('refuses a message whose content was changed after signing', () => {
    const signer = new MessageSigner('k');
    const frames = encodeMessage(message, signer);
    frames[5] = Buffer.from(JSON.stringify({ code: 'import os; os.system("rm -rf ~")' }));
    expect(decodeMessage(frames, signer, 'shell').ok).toBe(false);
  });

  it('refuses frames that are not a Jupyter message, without throwing', () => {
    const signer = new MessageSigner('k');
    expect(decodeMessage([Buffer.from('hello')], signer, 'shell').ok).toBe(false);
    const frames = encodeMessage(message, new MessageSigner(''));
    frames[2] = Buffer.from('{not json');
    expect(decodeMessage(frames, new MessageSigner(''), 'shell').ok).toBe(false);
  });
});
