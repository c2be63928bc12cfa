// What the benchmarks read about their child processes: CPU time and memory from /proc, and stdout line by
// line. Linux only, like the benchmarks themselves.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const TICK = 100; // getconf CLK_TCK on Linux

/** User plus system CPU seconds of one process so far; 0 once it has exited. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK; // utime + stime
  } catch {
    return 0;
  }
}

/** Resident memory of one process in bytes; NaN when it cannot be read. */
export function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** `next(timeoutMs)` resolves with the child's next stdout line, in order, or rejects after the timeout. */
export function lineReader(child, label = 'child', defaultTimeoutMs = 180_000) {
  const lines = createInterface({ input: child.stdout });
  const queue = [];
  const waiting = [];
  lines.on('line', (l) => (waiting.length ? waiting.shift()(l) : queue.push(l)));
  return (timeoutMs = defaultTimeoutMs) =>
    new Promise((resolve, reject) => {
      if (queue.length) return resolve(queue.shift());
      const t = setTimeout(
        () => reject(new Error(`${label}: no output in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiting.push((l) => {
        clearTimeout(t);
        resolve(l);
      });
    });
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
