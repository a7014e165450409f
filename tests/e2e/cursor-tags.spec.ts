// Other people's cursor name tags stay inside the notebook: a tag of someone whose cell is
// scrolled up under the toolbar never covers the toolbar's buttons (issue "the first hour").
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, notebook } from './support/notebooks';
import { Guest, HostSharing, closeGuests } from './support/sharing';

let shell: Shell | null = null;
const guests: Guest[] = [];

test.afterEach(async ({ page }) => {
  await closeGuests(guests);
  await page.close();
  await shell?.stop();
  shell = null;
});

test("a cursor tag scrolled under the toolbar does not cover the toolbar's buttons", async ({
  notebook: host,
  browser,
}) => {
  test.setTimeout(60_000);
  const lines = Array.from({ length: 12 }, (_, i) => `x${i} = ${i}`).join('\n');
  const cells = Array.from({ length: 30 }, (_, i) => codeCell(`c${i}`, lines));
  shell = await startShell(notebook(cells));
  await host.open(shell.url);
  const sharing = new HostSharing(host);
  const link = await sharing.createLink('editor');
  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.join(link, 'Ada');
  // Ada's caret on the second line of cell 3: her tag sits above that line.
  await ada.nb.editCodeCell(2);
  await ada.page.keyboard.press('Control+Home');
  await ada.page.keyboard.press('ArrowDown');
  const tag = host.page.locator('.cell .cm-ySelectionInfo').first();
  await expect(tag).toHaveCount(1);

  const toolbar = host.page.locator('.toolbar').first();
  const bar = (await toolbar.boundingBox())!;
  // Scroll the host's notebook until the tag's line is just under the toolbar: the tag itself,
  // above its line, is then wholly in the toolbar's band of the window.
  const edge = bar.y + bar.height;
  await host.page.mouse.move(bar.x + bar.width / 3, edge + 200);
  for (let step = 0; step < 10; step++) {
    const box = await tag.boundingBox();
    if (box && box.y + box.height < edge - 2) break;
    const by = box ? box.y + box.height - edge + 4 : 200;
    await host.page.mouse.wheel(0, Math.max(1, Math.round(by)));
    await host.page.waitForTimeout(100);
  }
  const box = (await tag.boundingBox())!;
  expect(box.y + box.height).toBeLessThan(edge - 2);
  await host.page.screenshot({ path: test.info().outputPath('tag-under-toolbar.png') });

  // Nothing of the tag shows there, and every control of the toolbar is its own.
  const covered = await host.page.evaluate(
    ({ t, edge }) => {
      const bar = document.querySelector('.toolbar');
      const hits: string[] = [];
      const check = (x: number, y: number) => {
        const el = document.elementFromPoint(x, y);
        if (el && !bar?.contains(el)) hits.push(`${el.className} at ${x},${y}`);
      };
      for (let x = t.x + 1; x < t.x + t.width; x += 3) {
        for (let y = Math.max(0, t.y + 1); y < Math.min(edge - 2, t.y + t.height); y += 2) {
          check(x, y);
        }
      }
      for (const control of bar?.querySelectorAll('button, select, [tabindex]') ?? []) {
        const r = control.getBoundingClientRect();
        if (r.width > 0) check(r.x + r.width / 2, r.y + r.height / 2);
      }
      return hits;
    },
    { t: box, edge },
  );
  expect(covered).toEqual([]);
});
