// Guest A moves a cell (the renderer's own moveCell, as a guest: without outputs) while guest B
// types in it, over real WebRTC to a real NotebookSession and Hub. B types as its editor does:
// each key goes into the cell as B's replica has it at that moment, so into the old text until
// the move reaches B, then into the moved cell.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cellsOf, findCell } from '../../../protocol/ydoc-nbformat';
import { moveCell } from '../../../renderer/notebook/cell-operations';
import { codeCell, notebook } from '../../helpers/notebooks';
import { joinGuest, startHost, until } from './harness';

// 36 distinct keys, none in the cell's source, so each can be found exactly once. Keys B typed
// while the move was in flight may come out of order (B's next key and the host's carried ones
// are concurrent inserts at one place), but each is there once.
const KEYS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
const ORIGINAL = "print('hello')";

const sourceOf = (doc: Y.Doc, id: string) =>
  (findCell(doc, id)?.get('source') as Y.Text)?.toString();
const ids = (doc: Y.Doc) => cellsOf(doc).map((c) => c.get('id') as string);
const count = (s: string, ch: string) => [...s].filter((c) => c === ch).length;

/**
 * One run: B types KEYS at the end of cell c1, A moves c1 (up on odd runs, down on even ones)
 * after B's 11th key. With `backspace`, B deletes every fourth key right after typing it.
 * Checks every replica and the saved file.
 */
async function moveWhileTyping(run: number, backspace: boolean): Promise<void> {
  const host = await startHost(
    notebook([
      codeCell('c0', ['import os']),
      codeCell('c1', [ORIGINAL]),
      codeCell('c2', ['x = 1']),
      codeCell('c3', ['y = 2']),
    ]),
  );
  const invite = await host.hub.createInvite('editor');
  const a = await joinGuest(invite.link, { name: 'A' });
  const b = await joinGuest(invite.link, { name: 'B' });
  try {
    const up = run % 2 === 1;
    const order = up ? ['c1', 'c0', 'c2', 'c3'] : ['c0', 'c2', 'c3', 'c1'];
    const deleted = new Set<string>();
    for (const [i, key] of KEYS.entries()) {
      const text = findCell(b.doc, 'c1')?.get('source') as Y.Text;
      text.insert(text.length, key);
      if (backspace && i % 4 === 3) {
        text.delete(text.length - 1, 1);
        deleted.add(key);
      }
      if (i === 10) moveCell(a.doc, 1, up ? 0 : 3, false);
      await new Promise((r) => setTimeout(r, 1 + (i % 3)));
    }
    const kept = KEYS.filter((k) => !deleted.has(k));
    const docs = [host.session.doc, a.doc, b.doc];
    const settled = () =>
      docs.every((d) => {
        const s = sourceOf(d, 'c1') ?? '';
        return (
          ids(d).join() === order.join() &&
          s === sourceOf(host.session.doc, 'c1') &&
          kept.every((k) => s.includes(k)) &&
          [...deleted].every((k) => !s.includes(k))
        );
      });
    await until(settled, 20_000, `B's typing, as B left it, in the moved cell everywhere`);
    const final = sourceOf(host.session.doc, 'c1') as string;
    expect(final.startsWith(ORIGINAL)).toBe(true);
    for (const k of kept) expect(count(final, k)).toBe(1);
    expect(final.length).toBe(ORIGINAL.length + kept.length);

    await host.session.save();
    const saved = JSON.parse(readFileSync(host.session.path, 'utf8')) as {
      cells: Array<{ id: string; source: string | string[] }>;
    };
    expect(saved.cells.map((c) => c.id)).toEqual(order);
    const cell = saved.cells.find((c) => c.id === 'c1');
    const savedSource = Array.isArray(cell?.source) ? cell.source.join('') : cell?.source;
    expect(savedSource).toBe(final);
  } finally {
    a.client.destroy();
    b.client.destroy();
    await host.close();
  }
}

const RUNS = [1, 2, 3, 4, 5];

describe('a guest moves a cell while another types in it', () => {
  // Enable once move-carry is wired into NotebookSession (see host/session/move-carry.ts).
  for (const run of RUNS) {
    it(`keeps every key B typed, in the moved cell, everywhere and on disk (run ${run}/5)`, () =>
      moveWhileTyping(run, false));
  }

  // Enable once the session also shows the carry each update before applying it (noteUpdate, in
  // the update gate) and the role guard passes an editor's updates that change nothing in the
  // host's document (a deletion in a moved cell's old text is one).
  for (const run of RUNS) {
    it(`keeps B's deletions too (run ${run}/5)`, () => moveWhileTyping(run, true));
  }
});
