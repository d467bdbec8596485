// Reconnect delay: exponential from 250 ms, capped at 5 s, with jitter so that
// many overlays (several OBS scenes, several PCs) don't reconnect in lockstep
// after a daemon restart.

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 5000;

/** Delay before reconnect attempt number `attempt` (0-based). `rand` in [0,1). */
export function backoffDelay(attempt: number, rand: () => number = Math.random): number {
  const exp = Math.min(Math.max(0, Math.floor(attempt)), 16);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** exp);
  // "Equal jitter": between half and the full ceiling, never zero.
  const r = Math.min(Math.max(rand(), 0), 0.999999);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
