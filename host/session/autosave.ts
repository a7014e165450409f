// When the session saves by itself: after a quiet time since the last edit, but never later than a
// longest wait from the oldest edit no save has taken, however long the typing goes on; after a
// save failed, again once that longest wait has passed.

/** Default quiet time after the last edit before an autosave. */
export const AUTOSAVE_DELAY_MS = 1000;
/** Default longest time an edit waits for an autosave, however long the typing goes on. */
export const AUTOSAVE_MAX_WAIT_MS = 10_000;

/** Autosave's options (part of the session's, SessionOptions). */
export interface AutosaveOptions {
  /** Quiet time after the last edit before saving; 0 turns autosave off. Default AUTOSAVE_DELAY_MS. */
  autosaveDelayMs?: number;
  /**
   * Longest time from the first unsaved edit to the autosave, even while edits keep coming (and
   * between retries of a save that failed). Default AUTOSAVE_MAX_WAIT_MS.
   */
  autosaveMaxWaitMs?: number;
}

export class Autosave {
  private timer: NodeJS.Timeout | null = null;
  /** When the oldest edit not yet in a save's serialization was accepted; null when none. */
  private since: number | null = null;
  private stopped = false;

  constructor(
    private readonly options: AutosaveOptions,
    /** Saves; called when the time has come. */
    private readonly save: () => void,
  ) {}

  /** An edit was accepted (the longest wait runs from the oldest one no save has taken). */
  edited(): void {
    this.since ??= Date.now();
  }

  /** A save serializes every edit so far: returns when the oldest was accepted, for `untake`. */
  take(): number | null {
    const since = this.since;
    this.since = null;
    return since;
  }

  /** The save that took edits accepted since `since` failed to write them: they wait again. */
  untake(since: number | null): void {
    this.since = since ?? Date.now();
  }

  /** No edit is unsaved any more (the document was reloaded from the file). */
  clear(): void {
    this.since = null;
  }

  /** Saves after the quiet time, or sooner when the oldest unsaved edit has waited too long. */
  schedule(): void {
    const quiet = this.options.autosaveDelayMs ?? AUTOSAVE_DELAY_MS;
    if (quiet <= 0 || this.stopped) return;
    const maxWait = this.options.autosaveMaxWaitMs ?? AUTOSAVE_MAX_WAIT_MS;
    const waited = this.since === null ? 0 : Date.now() - this.since;
    this.setTimer(Math.max(0, Math.min(quiet, maxWait - waited)));
  }

  /** A save failed: tries again after the longest wait (unless autosave is off). */
  retry(): void {
    const retry = this.options.autosaveMaxWaitMs ?? AUTOSAVE_MAX_WAIT_MS;
    if ((this.options.autosaveDelayMs ?? AUTOSAVE_DELAY_MS) <= 0 || this.stopped) return;
    this.setTimer(retry);
  }

  /** Drops the save scheduled, if any. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Drops the save scheduled and schedules none again (the session is closing). */
  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private setTimer(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.save();
    }, delay);
  }
}
