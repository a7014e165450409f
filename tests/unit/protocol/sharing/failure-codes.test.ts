// Why a guest was turned away or sent off travels as a code beside the prose (issue 17): the
// decoders keep the code, and read anything else as the catch-all, never as another code.
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { CONTROL_TAG, decodeControl, encodeControl } from '../../../../protocol/hub-control';
import {
  REFUSAL_CODES,
  decodeHostReply,
  decodeServerSignal,
} from '../../../../protocol/signaling-messages';

const refused = (extra: object) =>
  JSON.stringify({ type: 'refused', to: 'guest1', nonce: 'n0nce000', reason: 'why', ...extra });

describe('a refusal', () => {
  it('keeps each refusal code', () => {
    for (const code of REFUSAL_CODES) {
      const r = decodeHostReply(refused({ code }));
      expect(r.ok && r.value).toMatchObject({ type: 'refused', reason: 'why', code });
    }
  });

  it("reads a missing or unknown code as 'refused', whatever the reason says", () => {
    for (const extra of [{}, { code: 'expired' }, { code: 7 }, { reason: 'this invite expired' }]) {
      const r = decodeHostReply(refused(extra));
      expect(r.ok && r.value.type === 'refused' && r.value.code).toBe('refused');
    }
  });

  it('keeps when to try again, within ten minutes, and nothing else', () => {
    const retry = (retryMs: unknown) => {
      const r = decodeHostReply(refused({ code: 'throttled', retryMs }));
      return r.ok && r.value.type === 'refused' ? r.value.retryMs : 'unreadable';
    };
    expect(retry(8000)).toBe(8000);
    expect(retry(0)).toBe(0);
    for (const bad of [-1, 600_001, '8000', null, Number.NaN]) expect(retry(bad)).toBeUndefined();
  });
});

describe('a bye', () => {
  const raw = (json: unknown) => {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, CONTROL_TAG);
    encoding.writeVarString(enc, JSON.stringify(json));
    return encoding.toUint8Array(enc);
  };

  it('says when the host also revoked the invite the guest joined with', () => {
    const bye = { type: 'bye', reason: 'gone', code: 'removed', inviteRevoked: true } as const;
    const m = decodeControl(encodeControl(bye));
    expect(m.ok && m.value).toEqual(bye);
  });

  it('carries nothing more otherwise', () => {
    for (const inviteRevoked of [undefined, false, 'yes', 1]) {
      const m = decodeControl(raw({ type: 'bye', reason: 'gone', code: 'removed', inviteRevoked }));
      expect(m.ok && m.value).toEqual({ type: 'bye', reason: 'gone', code: 'removed' });
    }
  });
});

describe("the signaling server's closing code", () => {
  it('is read when known, refused when not', () => {
    const known = decodeServerSignal(JSON.stringify({ type: 'closing', code: 'no-host' }));
    expect(known.ok && known.value).toEqual({ type: 'closing', code: 'no-host' });
    const unknown = decodeServerSignal(JSON.stringify({ type: 'closing', code: 'elsewhere' }));
    expect(unknown.ok).toBe(false);
  });
});
