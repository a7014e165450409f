// A run as the queue holds it: who asked, and a snapshot of the code they saw, taken when they
// asked (the execution-integrity rule: what runs is never what changed after).
import type * as Y from 'yjs';
import type { InputRequestContent } from '../../kernel-bridge/messages';
import { PairbookError } from '../../protocol/errors';
import type { CellRun } from '../../protocol/runtime-state';
import { sourceDigest } from '../../protocol/source-digest';
import { cellsOf, malformedCell } from '../../protocol/ydoc-nbformat';

/** Who asked for a run, and how to ask them for input while it runs. */
export interface Requester {
  /** Display name shown as "run by". */
  name: string;
  /** The hub's peer id of a guest; absent for the host's own clients. */
  peer?: string;
  /** Asks this person to answer an input() prompt; rejects if they leave. */
  askInput?: (prompt: InputRequestContent, signal: AbortSignal) => Promise<string>;
}

export interface QueuedRun extends CellRun {
  requester: Requester;
  /** The code to run: the cell's source when the run was asked for (digest: its digest). */
  source: string;
  digest: string;
  /** The cell the request named; if it is moved (deleted and re-inserted), its id finds it. */
  cell: Y.Map<unknown>;
}

/**
 * The runs of the code cells among `cellIds` (others are skipped), each the snapshot of its source
 * now, which must be the source the requester saw (`digests[i]` for `cellIds[i]`). A source
 * already `queued` is shared, not copied. Throws a PairbookError, making nothing, when a cell
 * does not exist or changed.
 */
export function snapshotRuns(
  doc: Y.Doc,
  cellIds: string[],
  digests: string[],
  requester: Requester,
  queued: QueuedRun[],
): QueuedRun[] {
  const cells = indexCells(doc);
  const known = new Map(queued.map((r) => [r.digest, r.source]));
  const runs: QueuedRun[] = [];
  const now = Date.now();
  cellIds.forEach((id, i) => {
    const found = cells.get(id);
    if (!found) {
      throw new PairbookError(
        'invalid-message',
        `there is no cell ${id}; it may have been deleted`,
      );
    }
    if (found === 'several') {
      throw new PairbookError('invalid-message', `several cells have the id ${id}`);
    }
    if (found.cell.get('cell_type') !== 'code') return;
    const source = (found.cell.get('source') as Y.Text).toString();
    const digest = sourceDigest(source);
    if (digest !== digests[i]) {
      throw new PairbookError(
        'cell-changed',
        `cell ${found.index + 1} changed while you asked; run it again`,
      );
    }
    if (!known.has(digest)) known.set(digest, source);
    runs.push({
      cellId: id,
      by: requester.name,
      ...(requester.peer ? { peer: requester.peer } : {}),
      requestedAt: now,
      startedAt: null,
      endedAt: null,
      digest,
      requester,
      source: known.get(digest) as string,
      cell: found.cell,
    });
  });
  return runs;
}

export function publicRun(run: QueuedRun): CellRun {
  const { cellId, by, peer, requestedAt, startedAt, endedAt, digest, kernel, codeSince } = run;
  return {
    cellId,
    by,
    ...(peer ? { peer } : {}),
    requestedAt,
    startedAt,
    endedAt,
    digest,
    ...(kernel !== undefined ? { kernel } : {}),
    ...(codeSince !== undefined ? { codeSince } : {}),
  };
}

/** True while `cell` is in its document's cells array (not deleted, e.g. by a move). */
export function isLive(cell: Y.Map<unknown>): boolean {
  return cell._item !== null && !cell._item.deleted;
}

/** The well-formed cells by id, with their positions; 'several' for an id more than one has. */
function indexCells(doc: Y.Doc): Map<string, { cell: Y.Map<unknown>; index: number } | 'several'> {
  const byId = new Map<string, { cell: Y.Map<unknown>; index: number } | 'several'>();
  (cellsOf(doc).toArray() as unknown[]).forEach((cell, index) => {
    if (malformedCell(cell, index)) return;
    const id = (cell as Y.Map<unknown>).get('id') as string;
    byId.set(id, byId.has(id) ? 'several' : { cell: cell as Y.Map<unknown>, index });
  });
  return byId;
}
