// A coloured edge on each cell someone else is in, with their names as its title.
import type { Participant } from './participants-of';

/** The cells marked as someone else's, kept to unmark them when they leave. */
export class CellMarks {
  private marked = new Set<HTMLElement>();

  constructor(
    /** The element of cell `id`, built or boxed; null when there is none. */
    private readonly cellElement: (id: string) => HTMLElement | null,
  ) {}

  /** Marks the cells `people` other than this person are in; unmarks the others. */
  mark(people: readonly Participant[]): void {
    const byCell = new Map<string, Participant[]>();
    for (const p of people) {
      if (p.self || !p.activeCell) continue;
      byCell.set(p.activeCell, [...(byCell.get(p.activeCell) ?? []), p]);
    }
    const next = new Set<HTMLElement>();
    for (const [id, ps] of byCell) {
      const el = this.cellElement(id);
      if (!el) continue;
      next.add(el);
      el.classList.add('has-presence');
      el.style.setProperty('--presence', (ps[0] as Participant).color);
      el.dataset.presence = ps.map((p) => p.name).join(', ');
    }
    for (const el of this.marked) {
      if (next.has(el)) continue;
      el.classList.remove('has-presence');
      el.style.removeProperty('--presence');
      delete el.dataset.presence;
    }
    this.marked = next;
  }
}
