// `npm test`: the whole suite. System packages, type-check, lint, unit + integration + corpus
// (vitest), then end-to-end (Playwright in Debian's Chromium, inside a private network namespace).
// Ends with one line "OK|FAILED: N passed, N failed, N skipped" summing every runner; a test
// file that did not load, or a step that failed with no failed test (a type error), counts as failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSystemDeps } from './system-deps.mjs';

const args = process.argv.slice(2);
const only = args.find((a) => !a.startsWith('-'));
const out = mkdtempSync(join(tmpdir(), 'pairbook-test-'));
let passed = 0;
let failed = 0;
let skipped = 0;
let stepFailed = [];

/** Test files that failed without a failed test: they did not load, or crashed outside a test. */
let brokenFiles = 0;

/** Steps that failed with no failed test to show for it (a type error, a suite that crashed). */
let failedSteps = 0;

function run(name, cmd, cmdArgs, opts = {}, count = () => undefined) {
  console.log(`\n── ${name} ──`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', ...opts });
  const failedBefore = failed;
  count();
  if (r.status !== 0) {
    stepFailed.push(name);
    if (failed === failedBefore) failedSteps += 1;
  }
  return r.status === 0;
}

try {
  ensureSystemDeps();
} catch (e) {
  console.error(`pairbook: ${e.message}`);
  process.exit(1);
}

if (!only) {
  run('type-check', 'npm', ['run', '--silent', 'typecheck']);
  run('lint', 'npm', ['run', '--silent', 'lint']);
}

if (!only || only === 'vitest') {
  const json = join(out, 'vitest.json');
  run(
    'unit, integration, corpus (vitest)',
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`],
    { env: { ...process.env, FORCE_COLOR: '0' } },
    () => countVitest(json),
  );
}

// WebRTC tests (*.webrtc.ts): real data channels need a non-loopback interface, so they run in
// the private namespace too.
if ((!only || only === 'webrtc') && existsSync('vitest.webrtc.config.ts')) {
  const json = join(out, 'webrtc.json');
  run(
    'WebRTC sharing (vitest, private network namespace)',
    'bash',
    [
      'scripts/netns-run',
      'npx',
      'vitest',
      'run',
      '-c',
      'vitest.webrtc.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${json}`,
    ],
    { env: { ...process.env, FORCE_COLOR: '0' } },
    () => countVitest(json),
  );
}

const hasE2e =
  existsSync('tests/e2e') && readdirSync('tests/e2e').some((f) => f.endsWith('.spec.ts'));
if ((!only || only === 'e2e') && hasE2e) {
  const json = join(out, 'playwright.json');
  // WebRTC needs a non-loopback interface; the helper gives one in a namespace nothing leaves.
  run(
    'end-to-end (Playwright, Chromium, private network namespace)',
    'bash',
    ['scripts/netns-run', 'npx', 'playwright', 'test', '--project=e2e', '--reporter=list,json'],
    { env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: json } },
    () => countPlaywright(json),
  );
  // The same app with no network at all: a namespace holding only loopback.
  const offline = join(out, 'playwright-offline.json');
  run(
    'end-to-end with no network at all (loopback only)',
    'bash',
    [
      'scripts/netns-run',
      '--no-network',
      'npx',
      'playwright',
      'test',
      '--project=no-network',
      '--reporter=list,json',
    ],
    {
      env: {
        ...process.env,
        PLAYWRIGHT_JSON_OUTPUT_NAME: offline,
        PAIRBOOK_REQUIRE_NO_NETWORK: '1',
      },
    },
    () => countPlaywright(offline),
  );
}

// Electron's own tests run only where an Electron binary exists; they say so when they do not.
if ((!only || only === 'electron') && existsSync('tests/electron/playwright.config.ts')) {
  const json = join(out, 'electron.json');
  run(
    'Electron shell (Playwright _electron)',
    'npx',
    ['playwright', 'test', '-c', 'tests/electron', '--reporter=list,json'],
    { env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: json } },
    () => countPlaywright(json),
  );
}

function countVitest(json) {
  if (!existsSync(json)) return void (failed += 1);
  const r = JSON.parse(readFileSync(json, 'utf8'));
  const broken = r.testResults.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  ).length;
  brokenFiles += broken;
  passed += r.numPassedTests;
  failed += r.numFailedTests + broken;
  skipped += r.numPendingTests + r.numTodoTests;
}

function countPlaywright(json) {
  if (!existsSync(json)) return void (failed += 1);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  const s = report.stats;
  const broken = report.errors?.length ?? 0;
  brokenFiles += broken;
  passed += s.expected + s.flaky;
  failed += s.unexpected + broken;
  skipped += s.skipped;
}

failed += failedSteps;
const notes = [
  brokenFiles ? `${brokenFiles} test file(s) did not load or crashed` : '',
  stepFailed.length ? `failed steps: ${stepFailed.join(', ')}` : '',
].filter(Boolean);
console.log(
  `\n${stepFailed.length || failed ? 'FAILED' : 'OK'}: ${passed} passed, ${failed} failed, ` +
    `${skipped} skipped${notes.length ? ` (${notes.join('; ')})` : ''}`,
);
process.exit(stepFailed.length || failed ? 1 : 0);
