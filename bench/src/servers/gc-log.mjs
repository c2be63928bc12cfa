// Preloaded into a server to log its garbage collections, one line each (ms since start, kind, pause ms):
//   GC_LOG=/tmp/gc.log SERVER_NODE_OPTIONS="--import ./bench/src/servers/gc-log.mjs" pnpm --filter @p2pchat/bench signaling
import { appendFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

const file = process.env.GC_LOG;
const kinds = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak' };
if (file)
  new PerformanceObserver((list) => {
    const lines = list
      .getEntries()
      .map(
        (e) =>
          `${e.startTime.toFixed(0)} ${kinds[e.detail?.kind] ?? e.detail?.kind} ${e.duration.toFixed(2)}\n`,
      );
    appendFileSync(file, lines.join(''));
  }).observe({ entryTypes: ['gc'] });
