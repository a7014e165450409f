// The timeline's requests and what their replies carry (docs/timeline.md): list the recorded
// steps, view the notebook as it was at a step, diff two steps cell by cell with who changed
// each, who wrote each line of a cell, restore a cell or the notebook to a step (a new edit),
// clear the timeline. Part of ClientRequest and RequestResult (hub-messages.ts); no I/O.
import { PairbookError, type Result, err, ok } from './errors';

/** Most steps one timeline-steps reply lists. */
export const MAX_TIMELINE_PAGE = 200;
/** Most cell ids a view or diff request may name. */
export const MAX_TIMELINE_CELLS = 10_000;
/** Most characters of cell text one view, diff or blame reply carries; past it, `truncated`. */
export const MAX_TIMELINE_RESULT_CHARS = 2 * 1024 * 1024;

/** A timeline request, without the request id. Steps are numbered from 1, never reused. */
export type TimelineRequest =
  /** The newest `limit` steps (at most MAX_TIMELINE_PAGE) older than step `before`, or newest. */
  | { type: 'timeline-steps'; before?: number; limit?: number }
  /** Every cell's (or the named cells') source as it was once step `step` was made. */
  | { type: 'timeline-view'; step: number; cellIds?: string[] }
  /** What changed in each cell from step `from` to step `to`, and who changed it. */
  | { type: 'timeline-diff'; from: number; to: number; cellIds?: string[] }
  /** Who wrote each line of cell `cellId` as it was at `step` (or now). */
  | { type: 'timeline-blame'; cellId: string; step?: number }
  /** Makes cell `cellId` (or the whole notebook) as it was at `step`, as a new edit ('edit'). */
  | { type: 'timeline-restore'; step: number; cellId?: string }
  /** Forgets every recorded step; the timeline starts over from the notebook now (host only). */
  | { type: 'timeline-clear' };

/** Who made a step: the name the hub knows, and a peer id ('host', 'kernel', 'file', a guest's). */
export interface TimelineAuthor {
  name: string;
  peer: string;
}

/** One recorded step: a burst of one person's changes to one cell, or one larger change. */
export interface TimelineStep extends TimelineAuthor {
  n: number;
  /** 'open': the notebook as opened (or as left by compaction); 'restore' names `from`. */
  kind: 'open' | 'edit' | 'restore' | 'reload' | 'clear';
  /** When it began and when its last change was made (ms since the epoch). */
  at: number;
  end: number;
  /** Ids of the cells whose content it changed, added or removed. */
  cells: string[];
  /** True when it added, removed or moved cells or changed the notebook's metadata. */
  notebook: boolean;
  /** Bytes of Yjs updates it holds. */
  bytes: number;
  from?: number;
}

/** A cell as it was at a step; `source` null when the reply's size bound left it out. */
export interface TimelineCell {
  id: string;
  type: string;
  source: string | null;
}

/** One line of a diff: kept, added, removed, or `count` unchanged lines not shown. */
export type DiffLine = { op: '=' | '+' | '-'; text: string } | { op: 'skip'; count: number };

/** How one cell differs between two steps, and who changed it in between. */
export interface CellDiff {
  id: string;
  type: string;
  change: 'added' | 'removed' | 'changed';
  authors: TimelineAuthor[];
  lines: DiffLine[];
}

/** One line of a cell and who last wrote in it, at which step, when. */
export interface BlameLine extends TimelineAuthor {
  text: string;
  step: number;
  at: number;
}

/** What a timeline request's reply carries (RequestResult). */
export type TimelineResult =
  | { kind: 'timeline-steps'; steps: TimelineStep[]; first: number; last: number }
  | { kind: 'timeline-view'; step: number; cells: TimelineCell[]; truncated: boolean }
  | { kind: 'timeline-diff'; from: number; to: number; cells: CellDiff[]; truncated: boolean }
  | { kind: 'timeline-blame'; step: number; cellId: string; lines: BlameLine[] }
  | { kind: 'timeline-restored'; step: number | null };

type Bad = (why: string) => Result<never>;
const stepNumber = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const cellId = (c: unknown): c is string => typeof c === 'string' && c.length > 0 && c.length <= 64;
const cellList = (l: unknown): l is string[] | undefined =>
  l === undefined || (Array.isArray(l) && l.length <= MAX_TIMELINE_CELLS && l.every(cellId));

/** Validates a timeline request of `r.type` (untrusted); only the fields named are kept. */
export function decodeTimelineRequest(
  id: number,
  r: Record<string, unknown>,
  bad: Bad,
): Result<{ id: number } & TimelineRequest> {
  const cells = (l: unknown) => (l === undefined ? {} : { cellIds: l as string[] });
  switch (r.type) {
    case 'timeline-steps': {
      const limit = r.limit;
      if (!(r.before === undefined || stepNumber(r.before))) return bad('before must be a step');
      if (!(limit === undefined || (stepNumber(limit) && limit <= MAX_TIMELINE_PAGE)))
        return bad(`limit must be a count up to ${MAX_TIMELINE_PAGE}`);
      const page = { ...(r.before === undefined ? {} : { before: r.before }) };
      return ok({ id, type: r.type, ...page, ...(limit === undefined ? {} : { limit }) });
    }
    case 'timeline-view':
      if (!stepNumber(r.step) || !cellList(r.cellIds)) return bad('view needs a step');
      return ok({ id, type: r.type, step: r.step, ...cells(r.cellIds) });
    case 'timeline-diff':
      if (!stepNumber(r.from) || !stepNumber(r.to) || !cellList(r.cellIds))
        return bad('diff needs from and to, steps');
      return ok({ id, type: r.type, from: r.from, to: r.to, ...cells(r.cellIds) });
    case 'timeline-blame':
      if (!cellId(r.cellId) || !(r.step === undefined || stepNumber(r.step)))
        return bad('blame needs a cellId');
      return ok({
        id,
        type: r.type,
        cellId: r.cellId,
        ...(stepNumber(r.step) ? { step: r.step } : {}),
      });
    case 'timeline-restore':
      if (!stepNumber(r.step) || !(r.cellId === undefined || cellId(r.cellId)))
        return bad('restore needs a step');
      return ok({
        id,
        type: r.type,
        step: r.step,
        ...(cellId(r.cellId) ? { cellId: r.cellId } : {}),
      });
    case 'timeline-clear':
      return ok({ id, type: r.type });
    default:
      return err(new PairbookError('invalid-message', 'not a timeline request'));
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isAuthor = (a: unknown) => isObj(a) && isStr(a.name) && isStr(a.peer);
const listOf = (v: unknown, each: (x: unknown) => boolean) => Array.isArray(v) && v.every(each);

function isStep(s: unknown): boolean {
  return (
    isAuthor(s) &&
    isObj(s) &&
    isNum(s.n) &&
    isStr(s.kind) &&
    isNum(s.at) &&
    isNum(s.end) &&
    listOf(s.cells, isStr) &&
    typeof s.notebook === 'boolean' &&
    isNum(s.bytes)
  );
}

const isCell = (c: unknown) =>
  isObj(c) && isStr(c.id) && isStr(c.type) && (c.source === null || isStr(c.source));
const isLine = (l: unknown) =>
  isObj(l) &&
  (l.op === 'skip' ? isNum(l.count) : ['=', '+', '-'].includes(l.op as string) && isStr(l.text));
const isDiff = (d: unknown) =>
  isObj(d) &&
  isStr(d.id) &&
  isStr(d.type) &&
  isStr(d.change) &&
  listOf(d.authors, isAuthor) &&
  listOf(d.lines, isLine);
const isBlame = (l: unknown) =>
  isAuthor(l) && isObj(l) && isStr(l.text) && isNum(l.step) && isNum(l.at);

/** `v` if it is a well-formed TimelineResult (a reply's result is checked before use). */
export function timelineResultOf(v: unknown): TimelineResult | undefined {
  if (!isObj(v)) return undefined;
  const good =
    (v.kind === 'timeline-steps' && listOf(v.steps, isStep) && isNum(v.first) && isNum(v.last)) ||
    (v.kind === 'timeline-view' && isNum(v.step) && listOf(v.cells, isCell)) ||
    (v.kind === 'timeline-diff' && isNum(v.from) && isNum(v.to) && listOf(v.cells, isDiff)) ||
    (v.kind === 'timeline-blame' && isNum(v.step) && isStr(v.cellId) && listOf(v.lines, isBlame)) ||
    (v.kind === 'timeline-restored' && (v.step === null || isNum(v.step)));
  return good ? (v as TimelineResult) : undefined;
}
