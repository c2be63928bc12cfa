// A vitest reporter that keeps a file up to date with what has passed, failed or been skipped so far and
// which tests are running now. scripts/test.mjs reads it when a suite overruns its time budget: the tests that
// were still running are named and counted as failed, and the ones that finished still count.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

export default class ProgressReporter {
  constructor() {
    this.file = process.env.PROGRESS_FILE;
    this.running = new Map();
    this.counted = new Set();
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
    this.count(testCase);
    this.write();
  }

  // A module's end carries every result of its tests: count any whose own result event did not come.
  onTestModuleEnd(testModule) {
    for (const testCase of testModule.children.allTests()) this.count(testCase);
    this.write();
  }

  count(testCase) {
    const state = testCase.result().state;
    if (state === 'pending') return;
    this.running.delete(testCase.id);
    if (this.counted.has(testCase.id)) return;
    this.counted.add(testCase.id);
    if (state === 'passed') this.counts.passed += 1;
    else if (state === 'failed') this.counts.failed += 1;
    else this.counts.skipped += 1;
  }

  write() {
    if (!this.file) return;
    // `since` (ms since the epoch), not an age: the reader works out how long each has been running.
    const running = [...this.running.values()].map((r) => ({ name: r.name, since: r.since }));
    writeFileSync(this.file, JSON.stringify({ ...this.counts, running }));
  }
}
