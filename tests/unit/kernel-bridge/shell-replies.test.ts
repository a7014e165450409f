// A kernel is someone's code: what it answers to complete and inspect is bounded and shaped.
import { describe, expect, it } from 'vitest';
import {
  MAX_INSPECT_CHARS,
  MAX_MATCHES,
  completeReply,
  inspectReply,
} from '../../../kernel-bridge/shell-replies';

describe('completeReply', () => {
  it('keeps string matches, at most MAX_MATCHES, and a range inside the code', () => {
    const matches = [...Array(MAX_MATCHES + 10).keys()].map((i) => `m${i}`);
    const reply = completeReply(
      {
        status: 'ok',
        matches: [42, { x: 1 }, 'x'.repeat(5000), ...matches],
        cursor_start: 2,
        cursor_end: 4,
      },
      4,
      4,
    );
    expect(reply.matches).toHaveLength(MAX_MATCHES);
    expect(reply.matches[0]).toBe('m0');
    expect([reply.cursor_start, reply.cursor_end]).toEqual([2, 4]);
  });

  it('puts a range outside the code, or reversed, at the cursor', () => {
    const reply = completeReply(
      { status: 'ok', matches: ['a'], cursor_start: -5, cursor_end: 99 },
      3,
      4,
    );
    expect([reply.cursor_start, reply.cursor_end]).toEqual([3, 3]);
  });

  it('reads an error, or something that is no reply, as no completions', () => {
    for (const raw of [null, 'x', { status: 'error', matches: ['a'] }, { status: 'ok' }]) {
      expect(completeReply(raw, 1, 1).matches).toEqual([]);
    }
  });
});

describe('inspectReply', () => {
  it('keeps only text/plain, cut at MAX_INSPECT_CHARS', () => {
    const reply = inspectReply({
      status: 'ok',
      found: true,
      data: {
        'text/plain': 'd'.repeat(MAX_INSPECT_CHARS + 100),
        'text/html': '<script>x</script>',
      },
    });
    expect(Object.keys(reply.data)).toEqual(['text/plain']);
    expect(String(reply.data['text/plain']).length).toBe(MAX_INSPECT_CHARS + 2);
  });

  it('reads found without text, or an error, as nothing found', () => {
    expect(inspectReply({ status: 'ok', found: true, data: { 'text/html': 'x' } }).found).toBe(
      false,
    );
    expect(inspectReply({ status: 'error' }).found).toBe(false);
  });
});
