import { describe, expect, it } from 'vitest';
import { FRAME_BYTES, FrameAssembler, FrameKind, splitFrames } from '../../../../protocol/framing';

const bytes = (n: number, seed = 1) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

function reassemble(frames: Uint8Array[], a = new FrameAssembler()): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of frames) {
    const r = a.push(f);
    if (!r.ok) throw r.error;
    if (r.value) out.push(r.value);
  }
  return out;
}

describe('framing', () => {
  it.each([0, 1, FRAME_BYTES - 1, FRAME_BYTES, FRAME_BYTES * 3 + 7, 5_000_000])(
    'splits and reassembles a message of %i bytes, no frame over 16 KiB',
    (n) => {
      const m = bytes(n);
      const frames = splitFrames(m);
      expect(frames.every((f) => f.length <= FRAME_BYTES)).toBe(true);
      const [back, ...rest] = reassemble(frames);
      expect(rest).toEqual([]);
      expect(Buffer.from(back as Uint8Array).equals(Buffer.from(m))).toBe(true);
    },
  );

  it('keeps consecutive messages apart', () => {
    const msgs = [bytes(40_000, 1), bytes(3, 2), bytes(70_000, 3)];
    const out = reassemble(msgs.flatMap((m) => splitFrames(m)));
    expect(out.map((m) => m.length)).toEqual([40_000, 3, 70_000]);
  });

  it('refuses a message announced over the cap, before receiving it', () => {
    const a = new FrameAssembler(1000);
    const r = a.push(splitFrames(bytes(5000))[0] as Uint8Array);
    expect(r.ok).toBe(false);
  });

  it.each([
    ['an empty frame', [new Uint8Array()]],
    ['an unknown kind', [Uint8Array.of(9, 1, 2)]],
    ['a continuation with nothing begun', [Uint8Array.of(FrameKind.More, 1)]],
    ['a truncated header', [Uint8Array.of(FrameKind.First, 0xff)]],
    ['chunks longer than announced', [Uint8Array.of(FrameKind.First, 2, 1, 2, 3)]],
    [
      'a whole message inside a chunked one',
      [Uint8Array.of(FrameKind.First, 5, 1), Uint8Array.of(0, 1)],
    ],
    [
      'a second start',
      [Uint8Array.of(FrameKind.First, 5, 1), Uint8Array.of(FrameKind.First, 5, 1)],
    ],
  ])('reports %s as an error, never throws, and recovers', (_name, frames) => {
    const a = new FrameAssembler();
    const results = frames.map((f) => a.push(f));
    expect(results.some((r) => !r.ok)).toBe(true);
    expect(reassemble(splitFrames(bytes(20_000)), a)[0]?.length).toBe(20_000);
  });
});
