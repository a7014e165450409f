// What a cell shows, as the notebook's metadata says, in JupyterLab 4's keys (so a notebook saved
// by either opens the same in the other):
//   input hidden      metadata.jupyter.source_hidden: true
//   outputs hidden    metadata.collapsed: true and metadata.jupyter.outputs_hidden: true (both
//                     written, as @jupyter/ydoc does; `collapsed` wins when they disagree)
//   heading collapsed metadata["jp-MarkdownHeadingCollapsed"]: true (JupyterLab 4's key)
// It is document metadata, so everyone in the session sees it; a person who may not change the
// notebook (a viewer) changes it on their own page only (NotebookView keeps that).
import * as Y from 'yjs';
import type { JsonObject } from '../../protocol/python-json';

/** A part of a cell that can be hidden, or a heading's section collapsed. */
export type ViewPart = 'input' | 'outputs' | 'heading';

/** Transaction origin of view-state changes: not part of anyone's undo history, as in JupyterLab. */
export const VIEW_ORIGIN = 'pairbook:view-state';

/** JupyterLab 4's cell metadata key of a collapsed heading. */
export const HEADING_COLLAPSED_KEY = 'jp-MarkdownHeadingCollapsed';

function metadataOf(cell: Y.Map<unknown>): Y.Map<unknown> | null {
  const metadata = cell.get('metadata');
  return metadata instanceof Y.Map ? metadata : null;
}

function jupyterOf(metadata: Y.Map<unknown> | null): JsonObject {
  const jupyter = metadata?.get('jupyter');
  return typeof jupyter === 'object' && jupyter !== null && !Array.isArray(jupyter)
    ? (jupyter as JsonObject)
    : {};
}

/** True when the cell's metadata hides `part` (collapses the section, for `heading`). */
export function isHidden(cell: Y.Map<unknown>, part: ViewPart): boolean {
  const metadata = metadataOf(cell);
  if (part === 'heading') return metadata?.get(HEADING_COLLAPSED_KEY) === true;
  const jupyter = jupyterOf(metadata);
  if (part === 'input') return jupyter.source_hidden === true;
  const collapsed = metadata?.get('collapsed');
  return typeof collapsed === 'boolean' ? collapsed : jupyter.outputs_hidden === true;
}

/** Writes `hidden` for `part` into the cell's metadata, as JupyterLab 4 writes it. */
export function writeHidden(cell: Y.Map<unknown>, part: ViewPart, hidden: boolean): void {
  const run = (metadata: Y.Map<unknown>) => {
    if (part === 'heading') {
      if (hidden) metadata.set(HEADING_COLLAPSED_KEY, true);
      else if (metadata.has(HEADING_COLLAPSED_KEY)) metadata.delete(HEADING_COLLAPSED_KEY);
      return;
    }
    const jupyter = { ...jupyterOf(metadata) };
    const key = part === 'input' ? 'source_hidden' : 'outputs_hidden';
    if (hidden) jupyter[key] = true;
    else delete jupyter[key];
    if (part === 'outputs') {
      if (hidden) metadata.set('collapsed', true);
      else if (metadata.has('collapsed')) metadata.delete('collapsed');
    }
    const before = metadata.get('jupyter');
    if (Object.keys(jupyter).length) metadata.set('jupyter', jupyter);
    else if (before !== undefined) metadata.delete('jupyter');
  };
  const doc = cell.doc;
  const transact = (f: () => void) => (doc ? doc.transact(f, VIEW_ORIGIN) : f());
  transact(() => {
    let metadata = metadataOf(cell);
    if (!metadata) {
      metadata = new Y.Map<unknown>();
      cell.set('metadata', metadata);
    }
    run(metadata);
  });
}
