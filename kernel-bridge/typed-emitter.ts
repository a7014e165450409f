/** Event name → listener signature, e.g. `{ status: (s: KernelStatus) => void }`. */
export type EventMap = { [name: string]: (...args: never[]) => void };

/**
 * A minimal typed event emitter. `on` returns the unsubscribe function. A listener that throws is
 * logged and does not stop the other listeners, nor the code that emitted.
 */
export class TypedEmitter<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Calls `listener` on every `name` event until the returned function is called. */
  on<K extends keyof Events>(name: K, listener: Events[K]): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Calls every listener of `name` with `args`. */
  emit<K extends keyof Events>(name: K, ...args: Parameters<Events[K]>): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      try {
        (listener as (...a: Parameters<Events[K]>) => void)(...args);
      } catch (e) {
        console.error(`pairbook: a listener of "${String(name)}" threw`, e);
      }
    }
  }

  /** Removes every listener (idempotent). */
  clear(): void {
    this.listeners.clear();
  }
}
