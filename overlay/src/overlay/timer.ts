// Timer element maths and formatting (pure). Times are unix ms from the
// daemon; the overlay runs on the same PC, so clocks agree.
import { num, str } from './props';
import type { Dict } from './types';

export interface TimerState {
  /** Milliseconds to display. */
  ms: number;
  mode: 'countdown' | 'countup';
  running: boolean;
  finished: boolean;
}

export function timerState(props: Dict, nowMs: number): TimerState {
  const mode = str(props.mode) === 'countup' ? 'countup' : 'countdown';
  const started = num(props.started_at_ms);
  const paused = num(props.paused_at_ms);
  const durationMs = Math.max(0, num(props.duration_s) ?? 0) * 1000;
  const elapsed = started === undefined ? 0 : Math.max(0, (paused ?? nowMs) - started);

  if (mode === 'countup') {
    // A positive duration caps a count-up; 0/absent means unlimited.
    const finished = started !== undefined && durationMs > 0 && elapsed >= durationMs;
    return {
      ms: finished ? durationMs : elapsed,
      mode,
      running: started !== undefined && paused === undefined && !finished,
      finished,
    };
  }
  const ms = Math.max(0, durationMs - elapsed);
  const finished = started !== undefined && ms === 0;
  return { ms, mode, running: started !== undefined && paused === undefined && !finished, finished };
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * mm:ss, or h:mm:ss from one hour on, with `decimals` (0–2) fractions of a
 * second (a speedrun's 1:23.4). Count-downs round up (a 10 s countdown shows
 * 00:10 at start and 00:00 only when done); count-ups round down.
 */
export function formatClock(ms: number, roundUp = false, decimals = 0): string {
  const safe = Number.isFinite(ms) ? Math.max(0, ms) : 0;
  const d = Math.round(Math.min(2, Math.max(0, decimals)));
  const unit = 1000 / 10 ** d;
  const ticks = roundUp ? Math.ceil(safe / unit - 1e-9) : Math.floor(safe / unit + 1e-9);
  const total = Math.floor(ticks / 10 ** d);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const frac = d > 0 ? `.${String(ticks % 10 ** d).padStart(d, '0')}` : '';
  return (h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`) + frac;
}

/** Fraction digits the element asks for (`decimals`, 0–2). */
export function timerDecimals(props: Dict): number {
  return Math.round(Math.min(2, Math.max(0, num(props.decimals) ?? 0)));
}

export function timerText(props: Dict, nowMs: number): { text: string; state: TimerState } {
  const state = timerState(props, nowMs);
  return { text: formatClock(state.ms, state.mode === 'countdown', timerDecimals(props)), state };
}
