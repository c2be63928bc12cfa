#!/usr/bin/env node
// The whole test suite, as the README's test command runs it: build, static checks, then every test suite.
// Each static check counts as one test; the last line sums everything: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, '.test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', PUPPETEER_SKIP_DOWNLOAD: '1' };
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(cmd, args) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  return { ok: r.status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

function check(name, cmd, args) {
  console.log(`\n=== check: ${name}`);
  const { ok, seconds } = run(cmd, args);
  totals[ok ? 'passed' : 'failed'] += 1;
  lines.push(`check ${name}: ${ok ? 'ok' : 'FAILED'} (${seconds}s)`);
  return ok;
}

function vitestSuite(name, args) {
  console.log(`\n=== suite: ${name}`);
  const out = join(results, `${name}.json`);
  const { seconds } = run('pnpm', [
    'exec',
    'vitest',
    'run',
    ...args,
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${out}`,
  ]);
  try {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A file that failed to load counts as a failure even when it held no test.
    const brokenFiles = (r.testResults ?? []).filter(
      (f) => f.status === 'failed' && f.assertionResults.length === 0,
    ).length;
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests + brokenFiles;
    totals.skipped += skipped;
    lines.push(
      `suite ${name}: ${r.numPassedTests} passed, ${r.numFailedTests + brokenFiles} failed, ${skipped} skipped (${seconds}s)`,
    );
  } catch {
    totals.failed += 1;
    lines.push(`suite ${name}: did not report (${seconds}s)`);
  }
}

// A suite whose command writes {passed, failed, skipped} to the file named by RESULTS_FILE / WTR_RESULTS_FILE
// (web-test-runner through the reporter in each package's config; the Storybook smoke test itself).
function countedSuite(name, cmd, args) {
  console.log(`\n=== suite: ${name}`);
  const out = join(results, `${name}.json`);
  const started = Date.now();
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...env, WTR_RESULTS_FILE: out, RESULTS_FILE: out },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  try {
    const c = JSON.parse(readFileSync(out, 'utf8'));
    const failed = c.failed + (r.status !== 0 && c.failed === 0 ? 1 : 0);
    totals.passed += c.passed;
    totals.failed += failed;
    totals.skipped += c.skipped;
    lines.push(
      `suite ${name}: ${c.passed} passed, ${failed} failed, ${c.skipped} skipped (${seconds}s)`,
    );
  } catch {
    totals.failed += 1;
    lines.push(`suite ${name}: did not report (${seconds}s)`);
  }
}
const wtr = (pkg) => ['--filter', pkg, 'exec', 'wtr', '--config', 'web-test-runner.config.mjs'];

const built = check('build', 'pnpm', ['-r', 'run', 'build']);
check('typecheck', 'pnpm', ['-r', 'run', 'typecheck']);
check('lint', 'pnpm', ['exec', 'eslint', '.', '--max-warnings', '0']);
check('format', 'pnpm', ['exec', 'prettier', '--check', '.']);
if (built) check('packaging', 'pnpm', ['-r', 'run', 'publint']);
if (built) {
  vitestSuite('node', []);
  countedSuite('browser-sdk', 'pnpm', wtr('@p2pchat/sdk'));
  countedSuite('browser-elements', 'pnpm', wtr('@p2pchat/elements'));
  const storybook = [
    '--filter',
    '@p2pchat/elements',
    'exec',
    'storybook',
    'build',
    '--disable-telemetry',
    '--quiet',
    '-o',
    'storybook-static',
  ];
  if (check('storybook build', 'pnpm', storybook))
    countedSuite('storybook', 'node', ['scripts/storybook-smoke.mjs']);
  check('bundle sizes', 'node', ['scripts/size.mjs']);
} else {
  totals.failed += 1;
  lines.push('suites: not run, the build failed');
}

console.log('\n=== summary');
for (const l of lines) console.log(l);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 ? 0 : 1);
