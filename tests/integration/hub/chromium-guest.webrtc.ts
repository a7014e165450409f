// A guest in real Chromium: the browser's own RTCPeerConnection and WebSocket running the
// renderer's GuestConnection and HubClient (bundled from bench/sharing-pages/page.ts), against a
// host hub in Node. Inside scripts/netns-run, like every *.webrtc.ts.
import type { Browser, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import {
  inPage,
  launchChromium,
  openPage,
  startPageServer,
} from '../../../bench/sharing-pages/pages';
import { sampleNotebook } from '../../helpers/notebooks';
import { startHost, until } from './harness';

const source = (doc: Y.Doc, i: number) => cellsOf(doc).get(i).get('source') as Y.Text;

describe('a guest in Chromium', () => {
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof startPageServer>>;
  let host: Awaited<ReturnType<typeof startHost>>;
  beforeAll(async () => {
    [pages, browser, host] = await Promise.all([
      startPageServer(),
      launchChromium(),
      startHost(sampleNotebook()),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    await host?.close();
  });

  it('joins from an invite link, syncs, edits, and sees the host edit', async () => {
    const invite = await host.hub.createInvite('editor');
    const joined = new Promise<string>((r) => host.hub.on('join', (g) => r(`${g.name}/${g.role}`)));
    const page: Page = await openPage(browser, pages.url);
    await inPage(page, (pb, link) => pb.joinHub(link, 'Chromium Ada', 3), invite.link);
    expect(await inPage(page, (pb) => pb.reached(20_000))).not.toBeNull();
    expect(await joined).toBe('Chromium Ada/editor');
    const hostChars = JSON.stringify(cellsOf(host.session.doc).toJSON()).length;
    expect(await inPage(page, (pb) => pb.contentChars())).toBe(hostChars);

    // The page appends "abcde" to cell 0's source; the host's document gets it.
    const before = source(host.session.doc, 0).toString();
    await inPage(page, (pb) => pb.type(5, 0));
    await until(() => source(host.session.doc, 0).toString() === `${before}abcde`);

    // The host types; the page's replica follows.
    await inPage(page, (pb) => pb.watch());
    source(host.session.doc, 0).insert(source(host.session.doc, 0).length, '!!');
    const end = Date.now() + 10_000;
    while ((await inPage(page, (pb) => pb.times().length)) < 2) {
      if (Date.now() > end) throw new Error("the host's edit never reached the page");
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(host.hub.guests().map((g) => g.name)).toEqual(['Chromium Ada']);
    // Closing the page's connection (what a pagehide handler does) tells the hub at once. A tab
    // closed without that leaves the guest listed until the link times out (12.7 s measured).
    await inPage(page, (pb) => pb.closePeers());
    await until(() => host.hub.guests().length === 0, 5_000, 'the hub sees the guest leave');
    await page.context().close();
  });
});
