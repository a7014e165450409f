import { defineConfig } from '@playwright/test';

// Playwright `_electron` tests of the desktop shell: `npx playwright test -c tests/electron`.
// They need an Electron binary (ELECTRON_OVERRIDE_DIST_PATH); without one every test is skipped
// with the reason, and the run says so.
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  globalSetup: './global-setup.ts',
});
