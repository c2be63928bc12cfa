// setTimeout holds at most a signed 32-bit number of milliseconds (about 24.8 days); a longer delay fires at
// once, and clamping it would fire early.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs `fn` once at `deadline` (ms since the epoch), however far away: a wait longer than a timer can hold is
 * re-armed until the deadline is near, so a 30-day session is not ended after 24.8 days. A deadline already
 * past runs `fn` on the next turn. Answers a function that cancels it.
 */
export function atDeadline(deadline: number, fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    const left = deadline - Date.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return () => clearTimeout(timer);
}
