// A code cell's output area: its outputs followed in the cell's Y.Array (replaced when the cell's
// `outputs` key is) and shown in the area (outputs/output-view.ts, through cell-parts.ts), and
// the line asking for the kernel's input() below them.
import * as Y from 'yjs';
import { inputLine, showOutputs } from './cell-parts';

/** The outputs of one cell, followed from its Y.Map. */
export class CellOutputs {
  private observed: Y.Array<unknown> | null = null;

  constructor(
    private readonly map: Y.Map<unknown>,
    /** The outputs changed (any of them, deep). */
    private readonly onChange: () => void,
  ) {
    this.follow();
  }

  /** Follows the cell's outputs array as it is now (its `outputs` key was written). */
  follow(): void {
    this.observed?.unobserveDeep(this.onChange);
    const outputs = this.map.get('outputs');
    this.observed = outputs instanceof Y.Array ? outputs : null;
    this.observed?.observeDeep(this.onChange);
  }

  /** How many outputs a cell shows: a code cell's (`code`), none for other cells. */
  count(code: boolean): number {
    const outputs = this.map.get('outputs');
    return code && outputs instanceof Y.Array ? outputs.length : 0;
  }

  /** Shows the outputs of a code cell (`code`; none for others) in `area`; returns how many. */
  render(area: HTMLElement, code: boolean): number {
    const outputs = this.map.get('outputs');
    const list =
      code && outputs instanceof Y.Array
        ? outputs.toArray().map((o) => (o instanceof Y.Map ? o.toJSON() : {}))
        : [];
    showOutputs(area, list);
    return list.length;
  }

  /**
   * Puts a line asking for input below `area` (the kernel's `input()` or `getpass()`); `answer`
   * gets what the person typed when they press Enter. Returns its field, to focus.
   */
  ask(
    area: HTMLElement | undefined,
    prompt: string,
    password: boolean,
    answer: (value: string) => void,
  ): HTMLInputElement {
    const { row, field } = inputLine(prompt, password, answer);
    area?.after(row);
    return field;
  }

  /** Stops following the outputs. */
  destroy(): void {
    this.observed?.unobserveDeep(this.onChange);
  }
}
