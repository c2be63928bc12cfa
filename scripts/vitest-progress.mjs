// A vitest reporter that keeps a file up to date with what has passed, failed or been skipped so far and
// which tests are running now. scripts/test.mjs reads it when a suite overruns its time budget: the tests that
// were still running are named and counted as failed, and the ones that finished still count.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

export default class ProgressReporter {
  constructor() {
    this.file = process.env.PROGRESS_FILE;
    this.running = new Map();
    this.counts = { passed: 0, failed: 0, skipped: 0 };
  }

  onInit(vitest) {
    this.root = vitest.config.root;
    this.write();
  }

  onTestCaseReady(testCase) {
    this.running.set(testCase.id, {
      name: `${relative(this.root ?? '', testCase.module.moduleId)} > ${testCase.fullName}`,
      since: Date.now(),
    });
    this.write();
  }

  onTestCaseResult(testCase) {
    this.running.delete(testCase.id);
    const state = testCase.result().state;
    if (state === 'passed') this.counts.passed += 1;
    else if (state === 'failed') this.counts.failed += 1;
    else this.counts.skipped += 1;
    this.write();
  }

  write() {
    if (!this.file) return;
    const running = [...this.running.values()].map((r) => ({
      name: r.name,
      seconds: Math.round((Date.now() - r.since) / 1000),
    }));
    writeFileSync(this.file, JSON.stringify({ ...this.counts, running }));
  }
}
