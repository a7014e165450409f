import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  appAssetPath,
  isAppEntryUrl,
  isAppUrl,
} from '../../../electron/main/app-url';
import { decideNavigation } from '../../../electron/main/navigation-policy';

describe('which addresses are the app', () => {
  it.each([
    ['app://pairbook/index.html', true],
    ['app://pairbook/app.js', true],
    ['app://pairbook/', true],
    ['app://evil/index.html', false],
    ['app://pairbook:81/index.html', false],
    ['app://user@pairbook/index.html', false],
    ['file:///work/main/dist/renderer/index.html', false],
    ['http://127.0.0.1:8000/', false],
    ['', false],
  ])('isAppUrl(%s) is %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });

  it.each([
    ['app://pairbook/', 'index.html'],
    ['app://pairbook/index.html', 'index.html'],
    ['app://pairbook/app.js?v=1', 'app.js'],
    ['app://pairbook/fonts/KaTeX_Main-Regular-abc.woff2', 'fonts/KaTeX_Main-Regular-abc.woff2'],
    ['app://pairbook/../../etc/passwd', 'etc/passwd'], // the URL parser resolves ".." first
    ['app://pairbook/fonts/%2e%2e/%2e%2e/secret', 'secret'], // resolved, still inside
    ['app://pairbook/a%2Fb', null],
    ['app://pairbook/a%5Cb', null],
    ['app://pairbook/.build-stamp', null],
    ['app://pairbook/a//b', null],
    ['app://pairbook/%00', null],
    ['app://pairbook/%E0%A4%A', null],
    ['app://other/app.js', null],
  ])('appAssetPath(%s) is %s', (url, expected) => {
    expect(appAssetPath(url)).toBe(expected);
  });

  it('treats the entry page with a query as the entry page', () => {
    expect(isAppEntryUrl(`${APP_ENTRY_URL}?test=1`)).toBe(true);
    expect(isAppEntryUrl('app://pairbook/app.js')).toBe(false);
  });
});

describe('decideNavigation', () => {
  it.each([
    ['app://pairbook/index.html', 'navigate', 'allow'],
    ['app://pairbook/', 'navigate', 'allow'],
    ['app://pairbook/index.html', 'new-window', 'deny'],
    ['app://pairbook/app.js', 'navigate', 'deny'],
    ['https://jupyter.org/', 'navigate', 'open-externally'],
    ['http://example.org/x', 'new-window', 'open-externally'],
    ['https://user:pw@example.org/', 'new-window', 'deny'],
    ['file:///etc/passwd', 'navigate', 'deny'],
    ['javascript:alert(1)', 'navigate', 'deny'],
    ['data:text/html,<script>alert(1)</script>', 'new-window', 'deny'],
    ['pairbook://join?s=1', 'navigate', 'deny'],
    ['chrome://settings', 'navigate', 'deny'],
    ['about:blank', 'new-window', 'deny'],
    ['not a url', 'navigate', 'deny'],
  ] as const)('%s (%s) → %s', (url, kind, action) => {
    expect(decideNavigation(url, kind).action).toBe(action);
  });

  it('says why it denies', () => {
    const d = decideNavigation('file:///etc/passwd', 'navigate');
    expect(d).toEqual({ action: 'deny', reason: 'file: addresses are not opened from a notebook' });
  });
});
