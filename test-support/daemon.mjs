// A server program a test starts itself (redis-server, turnserver, nginx): started again and again on the
// same arguments, its output kept, and killed outright as a crash or a lost network would.
import { spawn } from 'node:child_process';

/**
 * `command args`, ready once its output since that start matches `ready` (or, without `ready`, once
 * `isReady()` answers true). `start` rejects if it exits first or is not ready within 10 s.
 */
export function daemon(command, args, { ready, isReady } = {}) {
  let proc;
  let log = '';
  const d = {
    /** Everything it printed since it was first started. */
    get log() {
      return log;
    },
    get running() {
      return !!proc && proc.exitCode === null && proc.signalCode === null;
    },
    async start() {
      const from = log.length;
      proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const onData = (chunk) => (log += chunk.toString());
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      const deadline = Date.now() + 10_000;
      while (!(ready ? ready.test(log.slice(from)) : await isReady())) {
        if (!d.running) throw new Error(`${command} exited: ${log.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`${command} did not start: ${log.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async kill() {
      if (!d.running) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    },
  };
  return d;
}
