import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import {
  Tag,
  decodeHubMessage,
  decodeRequest,
  encodeRequest,
  type ClientRequest,
} from '../../../protocol/hub-messages';
import { sourceDigest } from '../../../protocol/source-digest';

function roundTrip(request: unknown) {
  const bytes = encodeRequest(request as ClientRequest);
  const msg = decodeHubMessage(bytes);
  if (!msg.ok) throw msg.error;
  expect(msg.value.tag).toBe(Tag.Request);
  return decodeRequest(msg.value.body);
}

describe('client requests are validated at the boundary', () => {
  it.each([
    [{ id: 1, type: 'run', cellIds: ['a', 'b'] }],
    [{ id: 2, type: 'interrupt' }],
    [{ id: 3, type: 'restart' }],
    [{ id: 4, type: 'save' }],
    [{ id: 5, type: 'input-reply', inputId: 'i', value: 'v' }],
    [{ id: 6, type: 'save', force: true }],
    [{ id: 7, type: 'save', force: false }],
    [{ id: 8, type: 'reload' }],
    [{ id: 9, type: 'change-kernel', name: 'python3' }],
    [{ id: 10, type: 'change-kernel', name: 'ir-4.3_conda.env' }],
    [{ id: 11, type: 'kernel-server', url: 'http://gpu-box:8888/lab?token=abc', token: '' }],
    [{ id: 12, type: 'kernel-server', url: null, token: '' }],
    [{ id: 13, type: 'run', cellIds: ['a', 'b'], digests: [sourceDigest('x = 1'), ''] }],
  ])('accepts %j', (request) => {
    expect(roundTrip(request)).toEqual({ ok: true, value: request });
  });

  it.each([
    [{ type: 'save' }, /no numeric id/],
    [{ id: 1, type: 'run', cellIds: [] }, /non-empty list/],
    [{ id: 1, type: 'run', cellIds: [7] }, /cellIds/],
    [{ id: 1, type: 'run', cellIds: ['x'.repeat(65)] }, /cellIds/],
    [{ id: 1, type: 'run', cellIds: ['a', 'b'], digests: [''] }, /one source digest .* per cell/],
    [{ id: 1, type: 'run', cellIds: ['a'], digests: ['short'] }, /one source digest/],
    [{ id: 1, type: 'run', cellIds: ['a'], digests: 'x' }, /one source digest/],
    [{ id: 1, type: 'exec', code: 'import os' }, /unknown type "exec"/],
    [{ id: 1, type: 'input-reply', inputId: 'i' }, /value strings/],
    [null, /not an object/],
    [{ id: 1, type: 'save', force: 'yes' }, /force must be true or false/],
    [{ id: 1, type: 'change-kernel' }, /change-kernel needs name/],
    [{ id: 1, type: 'change-kernel', name: '' }, /change-kernel needs name/],
    [{ id: 1, type: 'change-kernel', name: 42 }, /change-kernel needs name/],
    [{ id: 1, type: 'change-kernel', name: 'k'.repeat(129) }, /at most 128/],
    [{ id: 1, type: 'change-kernel', name: '../../bin/sh' }, /change-kernel needs name/],
    [{ id: 1, type: 'change-kernel', name: 'python3\n' }, /change-kernel needs name/],
    [{ id: 1, type: 'kernel-server', url: 'http://x/' }, /kernel-server needs url .* and token/],
    [{ id: 1, type: 'kernel-server', url: 7, token: '' }, /kernel-server needs url/],
    [{ id: 1, type: 'kernel-server', url: 'h'.repeat(2049), token: '' }, /at most 2048/],
  ])('refuses %j', (request, why) => {
    const r = roundTrip(request);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(why);
  });

  it('keeps only the fields a request has, dropping extras a peer adds', () => {
    expect(roundTrip({ id: 1, type: 'reload', path: '/etc/passwd' })).toEqual({
      ok: true,
      value: { id: 1, type: 'reload' },
    });
    expect(roundTrip({ id: 2, type: 'change-kernel', name: 'python3', argv: ['sh'] })).toEqual({
      ok: true,
      value: { id: 2, type: 'change-kernel', name: 'python3' },
    });
  });

  it('never throws on random bytes', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let n = 0; n < 2000; n++) {
      const bytes = Uint8Array.from({ length: Math.floor(rand() * 40) }, () =>
        Math.floor(rand() * 256),
      );
      if (rand() < 0.5 && bytes.length > 0) bytes[0] = Tag.Request;
      const msg = decodeHubMessage(bytes);
      if (msg.ok && msg.value.tag === Tag.Request) {
        expect(() => decodeRequest(msg.value.body)).not.toThrow();
      }
      expect(() => decodeHubMessage(bytes)).not.toThrow();
    }
    expect(decodeHubMessage(new Uint8Array([9])).ok).toBe(false);
    expect(decodeRequest(decoding.createDecoder(new Uint8Array([200]))).ok).toBe(false);
  });
});
