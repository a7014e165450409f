// How this person appears to the others: a name and a cursor colour, in the awareness state.
import type { Awareness } from 'y-protocols/awareness';

/** A colour for this person's cursor, picked once per tab. */
const CURSOR_COLOURS = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2'];

/**
 * A name for this person's cursor until they give one: chosen once per browser, and kept apart
 * from the name they typed into Join (rememberedName), which it must never pre-fill.
 */
export function guestName(): string {
  const key = 'pairbook:placeholder-name';
  const stored = localStorage.getItem(key);
  if (stored) return stored;
  const names = ['Otter', 'Heron', 'Lynx', 'Marten', 'Puffin', 'Ibex', 'Kestrel', 'Newt'];
  const name = `Guest ${names[Math.floor(Math.random() * names.length)]}`;
  localStorage.setItem(key, name);
  return name;
}

/** This person's name and cursor colour. */
export class Presence {
  private colour = CURSOR_COLOURS[Math.floor(Math.random() * CURSOR_COLOURS.length)] as string;

  constructor(private readonly awareness: Awareness) {}

  setName(name: string): void {
    const colour = this.colour;
    this.awareness.setLocalStateField('user', { name, color: colour, colorLight: `${colour}33` });
  }

  /** Once the others are known: takes a colour none of them has, while one is free. */
  pickFreeColour(): void {
    const taken = new Set(
      [...this.awareness.getStates()]
        .filter(([id]) => id !== this.awareness.clientID)
        .map(([, s]) => (s.user as { color?: string } | undefined)?.color),
    );
    const free = CURSOR_COLOURS.find((c) => !taken.has(c));
    if (!taken.has(this.colour) || !free) return;
    this.colour = free;
    const user = this.awareness.getLocalState()?.user as { name?: string } | undefined;
    this.setName(user?.name ?? guestName());
  }
}
