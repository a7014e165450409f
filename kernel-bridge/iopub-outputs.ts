import type { Output } from '../protocol/nbformat';
import type { JsonObject } from '../protocol/python-json';
import type { JupyterMessage } from './messages';
import { OverwritingText } from './overwritten-chars';

/**
 * Most characters of stream text one cell shows (about 1 MB of ASCII); beyond it the text ends
 * with a notice line and the rest is kept only in memory, by CellOutputs.fullText().
 */
export const MAX_CELL_OUTPUT_CHARS = 1_000_000;

/** New data for every output showing `displayId`, in this cell or any other. */
export interface DisplayUpdate {
  displayId: string;
  data: JsonObject;
  metadata: JsonObject;
}

/** What one message did to a CellOutputs. */
export interface OutputChange {
  /** The outputs or execution count changed: takeChanges() has something (now or in a batch). */
  changed: boolean;
  /**
   * Set for update_display_data, and for a display_data reusing a display id: the host should
   * also applyDisplayUpdate() it to every other cell whose outputs hasDisplay(displayId).
   */
  display: DisplayUpdate | null;
}

/** The outputs to write since the last takeChanges(): replace the document's outputs from `from`. */
export interface OutputPatch {
  /** Outputs before this index are unchanged; delete the rest and append `outputs`. */
  from: number;
  /** The outputs from index `from` to the end, in nbformat v4 form. */
  outputs: Output[];
  /** The cell's execution count, null if the kernel has not given one. */
  executionCount: number | null;
}

interface Entry {
  output: Output;
  displayId: string | null;
  /** For stream outputs: the stream name and its whole text. */
  stream: { name: string; text: OverwritingText } | null;
}

const UNCHANGED: OutputChange = { changed: false, display: null };

/**
 * The outputs of one cell, built from the IOPub messages of its executions as JupyterLab builds
 * them: feed every message whose parent is the cell's execute_request to handle(), in order.
 * Pure logic, no I/O.
 *
 * Batching: handle() says whether anything changed; at the host's own pace (e.g. every 50 ms)
 * takeChanges() returns the outputs to write, or null. Display ids: keep the CellOutputs of each
 * cell's last run; when handle() returns a `display`, call applyDisplayUpdate(display) on the
 * other cells for which hasDisplay(display.displayId) holds.
 */
export class CellOutputs {
  private entries: Entry[] = [];
  private clearBeforeNextOutput = false;
  private count: number | null = null;
  private firstChanged: number | null = null;

  constructor(
    /** Most characters of stream text shown; default MAX_CELL_OUTPUT_CHARS. */
    private readonly maxChars = MAX_CELL_OUTPUT_CHARS,
  ) {}

  /** The execution count from execute_input or execute_result, or null. */
  get executionCount(): number | null {
    return this.count;
  }

  /** The current outputs in nbformat v4 form (stream text truncated as described above). */
  get outputs(): Output[] {
    return this.render(0);
  }

  /** Applies one IOPub message; messages of other types (status, comm_*) change nothing. */
  handle(msg: JupyterMessage): OutputChange {
    const c = msg.content;
    switch (msg.header.msg_type) {
      case 'stream':
        return this.appendStream(String(c.name ?? 'stdout'), String(c.text ?? ''));
      case 'display_data':
      case 'execute_result': {
        const isResult = msg.header.msg_type === 'execute_result';
        const output: Output = {
          output_type: isResult ? 'execute_result' : 'display_data',
          data: objectOr(c.data),
          metadata: objectOr(c.metadata),
          ...(isResult ? { execution_count: numberOrNull(c.execution_count) } : {}),
        };
        if (isResult) this.setCount(numberOrNull(c.execution_count));
        const displayId = displayIdOf(c);
        // As JupyterLab: a new display with a known id also updates the outputs showing it.
        const display = displayId
          ? { displayId, data: output.data as JsonObject, metadata: output.metadata as JsonObject }
          : null;
        if (display) this.applyDisplayUpdate(display);
        this.add({ output, displayId, stream: null });
        return { changed: true, display };
      }
      case 'error':
        this.add({
          output: {
            output_type: 'error',
            ename: String(c.ename ?? ''),
            evalue: String(c.evalue ?? ''),
            traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
          },
          displayId: null,
          stream: null,
        });
        return { changed: true, display: null };
      case 'clear_output':
        if (c.wait === true) {
          this.clearBeforeNextOutput = true;
          return UNCHANGED;
        }
        return { changed: this.clear(), display: null };
      case 'update_display_data': {
        const displayId = displayIdOf(c);
        if (!displayId) return UNCHANGED;
        const display = { displayId, data: objectOr(c.data), metadata: objectOr(c.metadata) };
        return { changed: this.applyDisplayUpdate(display), display };
      }
      case 'execute_input':
        return { changed: this.setCount(numberOrNull(c.execution_count)), display: null };
      default:
        return UNCHANGED;
    }
  }

  /** Shows `update` in every output of this cell that has its display id; true if any had it. */
  applyDisplayUpdate(update: DisplayUpdate): boolean {
    let changed = false;
    this.entries.forEach((entry, i) => {
      if (entry.displayId !== update.displayId) return;
      entry.output = { ...entry.output, data: update.data, metadata: update.metadata };
      this.markChanged(i);
      changed = true;
    });
    return changed;
  }

  /** Whether an output of this cell shows `displayId`. */
  hasDisplay(displayId: string): boolean {
    return this.entries.some((e) => e.displayId === displayId);
  }

  /** The display ids shown by this cell's outputs. */
  displayIds(): string[] {
    return [...new Set(this.entries.flatMap((e) => (e.displayId ? [e.displayId] : [])))];
  }

  /** The whole text of the stream output at `index` (also what truncation hid), or null. */
  fullText(index: number): string | null {
    return this.entries[index]?.stream?.text.text ?? null;
  }

  /** Whether the stream output at `index` shows less than its whole text. */
  isTruncated(index: number): boolean {
    const entry = this.entries[index];
    if (!entry?.stream) return false;
    this.render(this.entries.length);
    return entry.output.text !== entry.stream.text.text;
  }

  /** What changed since the last call, or null if nothing did. */
  takeChanges(): OutputPatch | null {
    if (this.firstChanged === null) return null;
    const from = Math.min(this.firstChanged, this.entries.length);
    this.firstChanged = null;
    return { from, outputs: this.render(from), executionCount: this.count };
  }

  /**
   * Appends text to a stream output as a stream message would. The host also uses it to record
   * an answered input() prompt as a "stdin" stream, as JupyterLab does.
   */
  appendStream(name: string, text: string): OutputChange {
    const last = this.entries[this.entries.length - 1];
    if (!this.clearBeforeNextOutput && last?.stream && last.stream.name === name) {
      last.stream.text.append(text);
      this.markChanged(this.entries.length - 1);
      return { changed: true, display: null };
    }
    const whole = new OverwritingText();
    whole.append(text);
    this.add({
      output: { output_type: 'stream', name, text: '' },
      displayId: null,
      stream: { name, text: whole },
    });
    return { changed: true, display: null };
  }

  private add(entry: Entry): void {
    if (this.clearBeforeNextOutput) this.clear();
    this.entries.push(entry);
    this.markChanged(this.entries.length - 1);
  }

  private clear(): boolean {
    this.clearBeforeNextOutput = false;
    if (this.entries.length === 0) return false;
    this.entries = [];
    this.markChanged(0);
    return true;
  }

  private setCount(count: number | null): boolean {
    if (count === null || count === this.count) return false;
    this.count = count;
    this.firstChanged ??= this.entries.length;
    return true;
  }

  private markChanged(index: number): void {
    this.firstChanged = Math.min(this.firstChanged ?? index, index);
  }

  // Stream text is cut to what is left of maxChars after the stream outputs before it.
  private render(from: number): Output[] {
    let budget = this.maxChars;
    const out: Output[] = [];
    this.entries.forEach((entry, i) => {
      if (entry.stream) {
        const whole = entry.stream.text.text;
        const shown = truncate(whole, budget);
        budget = Math.max(0, budget - whole.length);
        entry.output = { ...entry.output, text: shown };
      }
      if (i >= from) out.push(entry.output);
    });
    return out;
  }
}

function truncate(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const kept = text.slice(0, budget);
  const hidden = text.length - budget;
  const more =
    hidden >= 1e6
      ? `${(hidden / 1e6).toFixed(1)} M`
      : hidden >= 1e3
        ? `${(hidden / 1e3).toFixed(1)} k`
        : `${hidden}`;
  return (
    `${kept}${kept === '' || kept.endsWith('\n') ? '' : '\n'}` +
    `… output truncated: ${more} more characters; the full text is kept by the host\n`
  );
}

function displayIdOf(content: JsonObject): string | null {
  const transient = content.transient;
  if (!transient || typeof transient !== 'object' || Array.isArray(transient)) return null;
  const id = transient.display_id;
  return typeof id === 'string' && id !== '' ? id : null;
}

function objectOr(value: unknown): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? { ...(value as JsonObject) }
    : {};
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}
