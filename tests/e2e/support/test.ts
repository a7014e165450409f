// The test function of the end-to-end suite: fails a test on any uncaught error or console error
// in the page, and gives each test a NotebookPage.
import { test as base, expect } from '@playwright/test';
import { NotebookPage } from './notebook-page';

export const test = base.extend<{
  notebook: NotebookPage;
  consoleErrors: string[];
  /** Console errors a test expects (e.g. the page's CSP reporting a blocked handler). */
  expectedConsoleErrors: RegExp[];
}>({
  expectedConsoleErrors: [[], { option: true }],
  consoleErrors: async ({ page, expectedConsoleErrors }, use) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() !== 'error' || expectedConsoleErrors.some((re) => re.test(m.text()))) return;
      errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    await use(errors);
    expect(errors, 'the page logged errors').toEqual([]);
  },
  notebook: async ({ page, consoleErrors }, use) => {
    void consoleErrors;
    await use(new NotebookPage(page));
  },
});

export { expect };
