// Counter "roll" (pure): the numbers shown while a counter animates from its
// old value to the new one.
export const ROLL_MS = 700;

/** easeOutCubic: fast start, gentle landing on the final number. */
export function easeOut(t: number): number {
  const c = Math.min(1, Math.max(0, t));
  return 1 - (1 - c) ** 3;
}

/** Decimals to show: as many as the more precise of the two values (max 3). */
export function decimalsOf(...values: number[]): number {
  let d = 0;
  for (const v of values) {
    const s = String(v);
    const i = s.indexOf('.');
    if (i >= 0 && !s.includes('e')) d = Math.max(d, s.length - i - 1);
  }
  return Math.min(3, d);
}

/** The value to display `elapsedMs` into a roll; exactly `to` once the roll is over. */
export function rollValue(from: number, to: number, elapsedMs: number, durationMs = ROLL_MS): number {
  if (durationMs <= 0 || elapsedMs >= durationMs) return to;
  const d = decimalsOf(from, to);
  const k = 10 ** d;
  const v = from + (to - from) * easeOut(elapsedMs / durationMs);
  return Math.round(v * k) / k;
}

/** How long a roll takes: short hops are quick, big jumps get the full time. */
export function rollDuration(from: number, to: number, reducedMotion = false): number {
  if (reducedMotion || from === to) return 0;
  const steps = Math.abs(to - from);
  return steps <= 1 ? 250 : Math.min(ROLL_MS, 250 + steps * 40);
}

export function formatCounter(v: number, decimals: number): string {
  return decimals > 0 ? v.toFixed(decimals) : String(Math.round(v));
}
