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

// What pandas' DataFrame._repr_html_() writes for a small frame.
const PANDAS_HTML = `<div>
<style scoped>
    .dataframe tbody tr th:only-of-type {
        vertical-align: middle;
    }

    .dataframe tbody tr th {
        vertical-align: top;
    }

    .dataframe thead th {
        text-align: right;
    }
</style>
<table border="1" class="dataframe">
  <thead>
    <tr style="text-align: right;">
      <th></th>
      <th>a</th>
      <th>b</th>
    </tr>
  </thead>
  <tbody>
    <tr>
      <th>0</th>
      <td>1</td>
      <td>4.5</td>
    </tr>
    <tr>
      <th>1</th>
      <td>2</td>
      <td>5.5</td>
    </tr>
  </tbody>
</table>
</div>`;

// Each tries to draw over the app's chrome or over other cells.
const OVERLAY = 'background:rgba(255,0,0,.4);z-index:2147483647';
const ESCAPES = {
  fixed:
    `<div data-testid="evil" style="position:fixed;inset:0;${OVERLAY}">` +
    `<a href="https://example.invalid/" style="display:block;width:100%;height:100%">win</a></div>`,
  absolute: `<div style="position:absolute;top:-2000px;left:-2000px;width:9000px;height:9000px;${OVERLAY}">abs</div>`,
  sticky: `<div style="position:sticky;top:0;height:3000px;margin-top:-1500px;${OVERLAY}">sticky</div>`,
  transform: `<div style="transform:translateY(-600px) scale(30);${OVERLAY}">moved</div>`,
  margin: `<div style="margin:-3000px -3000px 0;height:6000px;width:9000px;${OVERLAY}">margins</div>`,
  // Style sheets as an attacker would write them: they may style their own output, nothing else.
  styleTag:
    `<style>.toolbar, .cell { visibility: hidden !important } * { position: fixed !important; inset: 0 }` +
    ` body { display: none !important } :root { --accent: red; --surface: red }` +
    ` html body .notebook-scroll, .toolbar button { opacity: 0 !important }` +
    ` @media all { body, .workspace { display: none !important } }` +
    ` @supports (display: grid) { .cell-outputs { display: none !important } }` +
    ` @layer x { body { display: none !important } }` +
    ` @scope (body) { * { display: none !important } }` +
    ` .styled { & body, body:has(&) { display: none !important } }` +
    ` [title="a,b"], body { display: none !important } a\\,body, body { display: none !important }` +
    ` @font-face { font-family: Inter; src: local(Courier) } @keyframes spin { from { opacity: 0 } }` +
    ` @property --accent { syntax: "*"; inherits: true; initial-value: red }` +
    ` .styled { color: rgb(1, 2, 3); position: sticky; top: 0 }</style>` +
    `<style>@import url("/app.css"); </style><p class="styled">styled</p>` +
    `<style data-style-scope="x">* { display: none !important }</style>` +
    `<div data-style-scope="x"><svg><style>.toolbar { display: none }</style></svg></div>`,
  foreignObject:
    `<svg width="40" height="40" style="position:fixed;inset:0;width:100vw;height:100vh;${OVERLAY}">` +
    `<foreignObject width="100%" height="100%"><div xmlns="http://www.w3.org/1999/xhtml" ` +
    `style="position:fixed;inset:0;${OVERLAY}">fo</div></foreignObject></svg>`,
  markdown:
    `# Overlay\n\n<div style="position:fixed;inset:0;${OVERLAY}">md overlay</div>\n\n` +
    `<style>.toolbar { display: none }</style>\n`,
};

test('an output or a markdown cell never draws outside its own cell, and tables keep their style', async ({
  notebook: nb,
}) => {
  const html = (html: string) => display({ 'text/html': html, 'text/plain': 'x' });
  shell = await startShell(
    notebook([
      codeCell('fixed', 'fixed()', [html(ESCAPES.fixed)], 1),
      codeCell('absolute', 'absolute()', [html(ESCAPES.absolute)], 2),
      codeCell('sticky', 'sticky()', [html(ESCAPES.sticky)], 3),
      codeCell('transform', 'transform()', [html(ESCAPES.transform)], 4),
      codeCell('margin', 'margin()', [html(ESCAPES.margin)], 5),
      codeCell('style', 'style()', [html(ESCAPES.styleTag)], 6),
      codeCell('fo', 'fo()', [html(ESCAPES.foreignObject)], 7),
      markdownCell('md', ESCAPES.markdown),
      codeCell('md-out', 'md()', [display({ 'text/markdown': ESCAPES.markdown })], 8),
      codeCell('pandas', 'df', [html(PANDAS_HTML)], 9),
    ]),
  );
  await nb.open(shell.url);
  await expect(nb.cell(0).getByTestId('output-html')).toBeVisible();
  await nb.page.screenshot({ path: test.info().outputPath('escapes.png') });

  // Every point of the window that shows a piece of an output or of a rendered markdown cell lies
  // inside that cell; the toolbar's buttons are what is under them.
  const offenders = async () =>
    nb.page.evaluate(() => {
      const found: string[] = [];
      const content = '.output, .cell-markdown .cell-rendered';
      for (let y = 1; y < innerHeight; y += 12) {
        for (let x = 1; x < innerWidth; x += 12) {
          const hit = document.elementFromPoint(x, y);
          const box = hit?.closest(content);
          if (!box) continue;
          const cell = box.closest('[data-testid="cell"]') as HTMLElement;
          const r = cell.getBoundingClientRect();
          if (x < r.left || x > r.right || y < r.top || y > r.bottom)
            found.push(`${cell.dataset.cellId} at ${x},${y}`);
        }
      }
      for (const b of document.querySelectorAll<HTMLElement>('.toolbar button')) {
        const r = b.getBoundingClientRect();
        if (r.width === 0) continue;
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        if (!b.contains(hit))
          found.push(`toolbar ${b.dataset.testid} covered by ${hit?.outerHTML.slice(0, 60)}`);
      }
      return [...new Set(found.map((f) => f.replace(/ at .*/, '')))].concat(found.slice(0, 3));
    });
  for (let i = 0; i < 10; i++) {
    await nb.cell(i).scrollIntoViewIfNeeded();
    await expect(nb.cell(i).locator(':is(.output, .cell-rendered):visible').first()).toBeVisible();
    expect(await offenders(), `with cell ${i} in view`).toEqual([]);
  }

  // The toolbar still works: the theme button switches the theme.
  const theme = () => nb.page.evaluate(() => document.documentElement.dataset.theme);
  const before = await theme();
  await nb.page.getByTestId('toggle-theme-button').click({ timeout: 2000 });
  await expect.poll(theme).not.toBe(before);

  // An output's <style> reaches the page only scoped to its own box: every rule's selector
  // starts with that box, and no global at-rule is left.
  const sheets = await nb.page.evaluate(() =>
    [...document.querySelectorAll('.notebook style')].map((style) => {
      const box = style.closest('[data-style-scope]');
      const scope = `[data-style-scope="${box?.getAttribute('data-style-scope')}"]`;
      const loose: string[] = [];
      const walk = (rules: CSSRuleList) => {
        for (const rule of rules) {
          if (rule instanceof CSSStyleRule) {
            if (rule.selectorText.split(', ').some((s) => !s.startsWith(`${scope} `)))
              loose.push(rule.selectorText);
            if (rule.cssRules.length) loose.push(`nested in ${rule.selectorText}`);
          } else if (rule instanceof CSSMediaRule || rule instanceof CSSSupportsRule) {
            walk(rule.cssRules);
          } else loose.push(rule.cssText.slice(0, 40));
        }
      };
      walk((style as HTMLStyleElement).sheet?.cssRules ?? ([] as unknown as CSSRuleList));
      return { inOutput: box?.closest('.output') !== null, loose };
    }),
  );
  expect(sheets.length).toBeGreaterThan(0);
  expect(sheets.filter((s) => !s.inOutput || s.loose.length)).toEqual([]);
  // The attacker's output is styled, but nothing around it.
  const styled = nb.cell(5).locator('p.styled');
  await expect(styled).toHaveCSS('color', 'rgb(1, 2, 3)');
  await expect(styled).toHaveCSS('position', 'static');
  const app = await nb.page.evaluate(() => ({
    body: getComputedStyle(document.body).display,
    accent: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
    toolbar: getComputedStyle(document.querySelector('.toolbar') as Element).display,
    outputs: getComputedStyle(document.querySelector('.cell-outputs') as Element).display,
    cells: [...document.querySelectorAll('.cell')].filter(
      (c) =>
        getComputedStyle(c).visibility === 'hidden' || getComputedStyle(c).position === 'fixed',
    ).length,
  }));
  expect(app).toEqual({
    body: 'block',
    accent: expect.not.stringMatching(/red/),
    toolbar: 'flex',
    outputs: 'flex',
    cells: 0,
  });

  // pandas' table keeps its look: its own scoped style and the app's table style.
  const table = nb.cell(9).locator('table.dataframe');
  await expect(nb.cell(9).getByTestId('output-html')).not.toContainText('vertical-align');
  const look = await table.evaluate((t) => {
    const th = t.querySelector('thead th:last-child') as HTMLElement;
    const rowTh = t.querySelector('tbody th') as HTMLElement;
    const odd = t.querySelector('tbody tr') as HTMLElement;
    const cell = t.querySelector('td') as HTMLElement;
    return {
      headAlign: getComputedStyle(th).textAlign,
      rowHeadAlign: getComputedStyle(rowTh).verticalAlign,
      stripe: getComputedStyle(odd).backgroundColor !== 'rgba(0, 0, 0, 0)',
      rule: getComputedStyle(cell).borderBottomStyle,
      collapse: getComputedStyle(t).borderCollapse,
    };
  });
  expect(look).toEqual({
    headAlign: 'right',
    rowHeadAlign: 'middle',
    stripe: true,
    rule: 'solid',
    collapse: 'collapse',
  });
});
