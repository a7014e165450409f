import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.config';

// End-to-end tests drive the browser shell (`pairbook serve`) in Debian's Chromium; Playwright's
// own browser downloads are never used. Each test starts its own server on a temp copy.
// Two projects: `e2e` (everything else; run inside `scripts/netns-run`) and `no-network`
// (*.offline.spec.ts; run inside `scripts/netns-run --no-network`, where only loopback exists:
//   bash scripts/netns-run --no-network npx playwright test --project=no-network).
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  globalSetup: './tests/e2e/global-setup.ts',
  use: {
    browserName: 'chromium',
    viewport: { width: 1200, height: 900 },
    launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] },
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'e2e', testIgnore: /\.offline\.spec\.ts$/ },
    { name: 'no-network', testMatch: /\.offline\.spec\.ts$/ },
  ],
});
