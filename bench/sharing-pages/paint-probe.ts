// What the paint bench installs in its pages, the same in Pairbook's real /join app and in the
// y-webrtc baseline page: in the typist's page, the keydown event's timeStamp of every key; in a
// watcher's page, when each typed character was painted in its CodeMirror editor. Serialized
// into the page with `page.evaluate` (so each function uses only its arguments and the DOM), and
// read back from `globalThis.__paint`. Times are ms on the machine's shared clock
// (`performance.timeOrigin + …`).

/** What a probe leaves in its page. */
export interface PaintRecord {
  /** Typist: each key's keydown timeStamp. Watcher: when each character was painted. */
  times: number[];
  /** Watcher: when each character first showed in the editor's DOM (before the frame). */
  inDom: number[];
}

/** Typist: records the timeStamp of every keydown (the browser's stamp of the input event). */
export function installTypistProbe(): void {
  const record: PaintRecord = { times: [], inDom: [] };
  (globalThis as unknown as { __paint: PaintRecord }).__paint = record;
  addEventListener('keydown', (e) => record.times.push(performance.timeOrigin + e.timeStamp), {
    capture: true,
  });
}

/**
 * Watcher: watches the first element matching `selector` (a CodeMirror `.cm-content`). Each
 * character typed appends one to the editor's text (widgets such as remote cursors and their
 * name labels are contenteditable=false and not counted); when the text grows, the new
 * characters are in the DOM, and the message posted from the next animation frame runs after
 * that frame's style, layout and paint: the time recorded as painted.
 */
export function installWatcherProbe(selector: string): void {
  const content = document.querySelector(selector);
  if (!content) throw new Error(`no ${selector} in the watching page`);
  const record: PaintRecord = { times: [], inDom: [] };
  (globalThis as unknown as { __paint: PaintRecord }).__paint = record;
  const clock = () => performance.timeOrigin + performance.now();
  const textLength = () => {
    let n = 0;
    const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (!t.parentElement?.closest('[contenteditable="false"]')) n += t.nodeValue?.length ?? 0;
    }
    return n;
  };
  const base = textLength();
  let frameAsked = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = (e: MessageEvent<number>) => {
    const now = clock();
    while (record.times.length < e.data) record.times.push(now);
  };
  const askFrame = () => {
    if (frameAsked || record.times.length === record.inDom.length) return;
    frameAsked = true;
    requestAnimationFrame(() => {
      frameAsked = false;
      // Characters that reach the DOM after this frame's rendering wait for the next one.
      channel.port2.postMessage(record.inDom.length);
      setTimeout(askFrame);
    });
  };
  new MutationObserver(() => {
    const now = clock();
    const typed = textLength() - base;
    while (record.inDom.length < typed) record.inDom.push(now);
    askFrame();
  }).observe(content, { subtree: true, childList: true, characterData: true });
}
