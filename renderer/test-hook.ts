// A test-only window of app events for the end-to-end tests, installed when the page address has
// `test=1`. Tests wait on these events instead of on timeouts.

/** One app event, e.g. {type: 'reply', ok: false, message: '...'}. */
export interface TestEvent {
  type:
    | 'synced'
    | 'reply'
    | 'rendered'
    | 'file-state'
    | 'toast'
    | 'connection'
    | 'sharing'
    | 'role'
    | 'guest-status'
    | 'ended'
    | 'refused-locally'
    | 'follow'
    | 'code'
    | 'sync-progress'
    | 'restarted'
    | 'bye';
  [key: string]: unknown;
}

/** What `window.__pairbookTest` holds. */
export interface TestHook {
  events: TestEvent[];
  /** True once the first sync with the host completed and the notebook is on screen. */
  ready: boolean;
  /**
   * This page's replica of the document, for tests that must send what the UI never would (an
   * edit the host refuses) to check how the app recovers.
   */
  doc?: unknown;
}

let hook: TestHook | null = null;

/** Installs the hook if the address asks for it. */
export function installTestHook(location: Location): void {
  if (new URLSearchParams(location.search).get('test') !== '1') return;
  hook = { events: [], ready: false };
  (window as unknown as { __pairbookTest: TestHook }).__pairbookTest = hook;
}

/** Records an app event (no-op outside tests). */
export function testEvent(event: TestEvent): void {
  if (!hook) return;
  hook.events.push({ ...event, at: performance.now() });
  if (event.type === 'synced') hook.ready = true;
}

/** Hands this page's document replica to tests (no-op outside tests). */
export function exposeDocForTests(doc: unknown): void {
  if (hook) hook.doc = doc;
}
