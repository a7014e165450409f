import WebSocket from 'ws';
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, display, markdownCell, notebook } from './support/notebooks';

let shell: Shell | null = null;
// Chromium reports each inline handler its CSP refuses, even while DOMPurify parses the payload in
// an inert document: that report is the second line of defence working, not an app error.
test.use({
  expectedConsoleErrors: [/^Executing inline event handler violates .*Content Security Policy/],
});
test.afterEach(async ({ page }) => {
  // Close the page first: a page left open would log its reconnect attempts as errors.
  await page.close();
  await shell?.stop();
  shell = null;
});

// Each payload would set window.__pwned or change the title if it ever ran in the app's origin.
// Broken images are data: URLs so that no request (and no 404 in the console) is made.
const BROKEN = 'data:image/png;base64,AAAA';
const PAYLOADS = {
  html:
    `<b>bold</b><script>window.__pwned = 'html script'; document.title = 'pwned'</script>` +
    `<img src="${BROKEN}" onerror="window.__pwned = 'html onerror'">` +
    `<a href="javascript:window.__pwned='link'" data-testid="evil-link">click</a>`,
  svg:
    `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" onload="window.__pwned='svg onload'">` +
    `<script>window.__pwned = 'svg script'</script><rect width="20" height="20" fill="teal"/></svg>`,
  markdown:
    `# Safe heading\n\n<script>window.__pwned = 'markdown script'</script>\n\n` +
    `<img src="${BROKEN}" onerror="window.__pwned = 'markdown onerror'">\n\n` +
    `<svg><script>window.__pwned = 'markdown svg'</script></svg>\n`,
};

test('never runs a script or event handler from an HTML output, an SVG output or a markdown cell', async ({
  notebook: nb,
}) => {
  shell = await startShell(
    notebook([
      markdownCell('md', PAYLOADS.markdown),
      codeCell(
        'html',
        'evil_html()',
        [display({ 'text/html': PAYLOADS.html, 'text/plain': 'x' })],
        1,
      ),
      codeCell('svg', 'evil_svg()', [display({ 'image/svg+xml': PAYLOADS.svg })], 2),
      codeCell('md-out', 'evil_md()', [display({ 'text/markdown': PAYLOADS.markdown })], 3),
    ]),
  );
  await nb.open(shell.url);
  await expect(nb.cell(0).locator('h1')).toHaveText('Safe heading');
  await expect(nb.cell(1).getByTestId('output-html').locator('b')).toHaveText('bold');
  const svg = nb.cell(2).getByTestId('output-image');
  await expect(svg).toHaveAttribute('data-mime', 'image/svg+xml');
  await svg.evaluate((img: HTMLImageElement) => img.decode());
  await nb
    .cell(1)
    .getByTestId('evil-link')
    .click({ modifiers: [] })
    .catch(() => undefined);

  const state = await nb.page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: string }).__pwned ?? null,
    title: document.title,
    scripts: document.querySelectorAll('.notebook script').length,
    handlers: document.querySelectorAll('.notebook [onerror], .notebook [onload]').length,
    jsLinks: document.querySelectorAll('.notebook a[href^="javascript:"]').length,
  }));
  expect(state).toEqual({
    pwned: null,
    title: 'test.ipynb — Pairbook',
    scripts: 0,
    handlers: 0,
    jsLinks: 0,
  });
});

test('refuses the notebook page, API calls and the WebSocket without the token', async ({
  request,
}) => {
  shell = await startShell(notebook([codeCell('a', 'x = 1')]));
  const { origin } = shell;
  for (const path of ['/', '/index.html', '/?token=wrong', '/join/../index.html', '/data']) {
    const res = await request.get(`${origin}${path}`);
    expect(res.status(), path).toBe(403);
    expect(await res.text(), path).not.toContain('<script');
  }
  // A browser guest has no token: the guest page and the bundle (no notebook data) are public,
  // and the guest page sets no token cookie. The invite's secret authenticates over WebRTC.
  const join = await request.get(`${origin}/join`);
  expect(join.status()).toBe(200);
  expect(join.headers()['set-cookie']).toBeUndefined();
  expect(join.headers()['content-security-policy']).toContain("script-src 'self'");
  expect((await request.get(`${origin}/app.js`)).status()).toBe(200);
  const api = await request.post(`${origin}/api/pairbook:get-app-info`, { data: [] });
  expect(api.status()).toBe(403);

  const page = await request.get(shell.url);
  expect(page.status()).toBe(200);
  const csp = page.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).toContain("frame-src 'none'");

  const wsStatus = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/hub?token=wrong`);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => undefined);
  });
  expect(wsStatus).toBe(403);
});
