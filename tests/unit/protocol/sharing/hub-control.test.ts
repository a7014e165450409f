import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { CONTROL_TAG, decodeControl, encodeControl } from '../../../../protocol/hub-control';

const welcome = { type: 'welcome', peerId: 'p1', role: 'editor', sessionId: 's', epoch: 'e' };
const raw = (json: unknown) => {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, CONTROL_TAG);
  encoding.writeVarString(enc, JSON.stringify(json));
  return encoding.toUint8Array(enc);
};

describe('the welcome control message', () => {
  it("carries the notebook's file name for the guest's title", () => {
    const m = decodeControl(encodeControl({ ...welcome, notebook: 'analysis.ipynb' } as never));
    expect(m.ok && m.value).toMatchObject({ type: 'welcome', notebook: 'analysis.ipynb' });
  });

  it('drops a name that is a path, empty, too long or holds control characters', () => {
    for (const notebook of ['../x.ipynb', 'a\\b', '', 'x'.repeat(256), 'a\u0007b', 42]) {
      const m = decodeControl(raw({ ...welcome, notebook }));
      expect(m.ok, JSON.stringify(notebook)).toBe(true);
      expect(m.ok && 'notebook' in m.value).toBe(false);
    }
  });
});
