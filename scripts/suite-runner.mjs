// Runs the checks and suites of scripts/test.mjs and sums their results. Every command runs in its own
// process group under a time budget: one that outlives it (a test stuck in native code never lets vitest's
// own timeouts fire) is stopped with everything it started; what finished still counts, and the tests that
// were still running are named and counted as failed. So a run always ends, and always reports.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const MINUTE = 60_000;
const progressReporter = new URL('./vitest-progress.mjs', import.meta.url).pathname;
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);

/** A runner for commands run from `root`, keeping result files under `results`. */
export function createRunner({ root, results, env = process.env, stdio = 'inherit' }) {
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const lines = [];
  let current; // the process group running now, stopped with this script
  const stopCurrent = () => {
    if (current) process.kill(-current, 'SIGKILL');
  };
  process.once('exit', stopCurrent);
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, () => {
      stopCurrent();
      process.exit(130);
    });

  function run(cmd, args, { budget = 10 * MINUTE, extraEnv = {} } = {}) {
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn(cmd, args, {
        cwd: root,
        stdio,
        env: { ...env, ...extraEnv },
        detached: true,
      });
      current = child.pid;
      let timedOut = false;
      const kill = (signal) => {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // the group is gone already
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        console.log(
          `\n=== ${cmd} ${args.join(' ')}: over its ${budget / 1000} s budget, stopping it`,
        );
        kill('SIGTERM');
        setTimeout(() => kill('SIGKILL'), 5000).unref();
      }, budget);
      child.on('exit', (code) => {
        clearTimeout(timer);
        current = undefined;
        kill('SIGKILL'); // whatever it left behind in its group: servers, workers
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        resolve({ ok: code === 0 && !timedOut, timedOut, seconds });
      });
    });
  }

  /** A command that counts as one test: it passes when it exits 0 within its budget. */
  async function check(name, cmd, args, budget) {
    console.log(`\n=== check: ${name}`);
    const { ok, seconds, timedOut } = await run(cmd, args, { budget });
    totals[ok ? 'passed' : 'failed'] += 1;
    lines.push(`check ${name}: ${ok ? 'ok' : timedOut ? 'TIMED OUT' : 'FAILED'} (${seconds}s)`);
    return ok;
  }

  // Seconds a test in a progress file has been running (the file records when it started).
  const runningFor = (t) => Math.round((Date.now() - t.since) / 1000);

  /** `vitest run` with `args`, counted from its JSON report, or from its progress file if it overran. */
  async function vitestSuite(name, args, budget, options = {}) {
    console.log(`\n=== suite: ${name}`);
    const out = join(results, `${name}.json`);
    const progress = join(results, `${name}.progress.json`);
    const { ok, seconds, timedOut } = await run(
      'pnpm',
      [
        'exec',
        'vitest',
        'run',
        ...args,
        '--reporter=default',
        '--reporter=json',
        `--reporter=${progressReporter}`,
        `--outputFile.json=${out}`,
      ],
      { budget, extraEnv: { ...options.env, PROGRESS_FILE: progress } },
    );
    const r = timedOut ? null : readJson(out);
    if (r) {
      const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
      // A file that failed to load counts as a failure even when it held no test.
      const brokenFiles = (r.testResults ?? []).filter(
        (f) => f.status === 'failed' && f.assertionResults.length === 0,
      ).length;
      // vitest failing with no failed test (no test files, an error outside tests) is one failure.
      const failed = r.numFailedTests + brokenFiles || (ok ? 0 : 1);
      totals.passed += r.numPassedTests;
      totals.failed += failed;
      totals.skipped += skipped;
      lines.push(
        `suite ${name}: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped (${seconds}s)`,
      );
      return;
    }
    const p = readJson(progress);
    if (timedOut && p && options.rerunAfterHang) {
      // A suite known to hit a native deadlock now and then (see the caller) runs once more, and says so.
      const stuck = p.running.map((t) => `${t.name} (${runningFor(t)}s)`);
      console.log(
        `\n=== suite ${name} hung (${stuck.join('; ') || 'no test running'}): running it again`,
      );
      await vitestSuite(name, args, budget, { ...options, rerunAfterHang: false });
      lines.push(`  (run again: the first run hung in ${stuck.join('; ') || 'no test'})`);
      return;
    }
    if (!p) {
      totals.failed += 1;
      lines.push(`suite ${name}: did not report (${seconds}s)`);
      return;
    }
    const hung = Math.max(p.running.length, 1);
    totals.passed += p.passed;
    totals.failed += p.failed + hung;
    totals.skipped += p.skipped;
    const why = timedOut ? 'stopped over its budget' : 'no report';
    lines.push(
      `suite ${name}: ${p.passed} passed, ${p.failed + hung} failed, ${p.skipped} skipped (${seconds}s, ${why})`,
    );
    for (const t of p.running) lines.push(`  still running after ${runningFor(t)}s: ${t.name}`);
  }

  /**
   * A suite whose command writes {passed, failed, skipped} to the file named by RESULTS_FILE and
   * WTR_RESULTS_FILE (web-test-runner through the reporter in each package's config; the Storybook smoke).
   */
  async function countedSuite(name, cmd, args, budget) {
    console.log(`\n=== suite: ${name}`);
    const out = join(results, `${name}.json`);
    const { ok, seconds, timedOut } = await run(cmd, args, {
      budget,
      extraEnv: { WTR_RESULTS_FILE: out, RESULTS_FILE: out },
    });
    const c = timedOut ? null : readJson(out);
    if (!c) {
      totals.failed += 1;
      const why = timedOut ? 'stopped over its budget' : 'did not report';
      lines.push(`suite ${name}: ${why} (${seconds}s)`);
      return;
    }
    const failed = c.failed + (!ok && c.failed === 0 ? 1 : 0);
    totals.passed += c.passed;
    totals.failed += failed;
    totals.skipped += c.skipped;
    lines.push(
      `suite ${name}: ${c.passed} passed, ${failed} failed, ${c.skipped} skipped (${seconds}s)`,
    );
  }

  /** The closing lines: one per check and suite, then "N passed, N failed, N skipped". */
  function summary() {
    return [
      ...lines,
      `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
    ];
  }

  return { check, vitestSuite, countedSuite, summary, totals, lines };
}
