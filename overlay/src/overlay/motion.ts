// behavior.entrance / behavior.exit / behavior.loop -> Web Animations
// keyframes and timing (pure). Only transform and opacity are ever animated,
// so every animation stays on the compositor (no layout).
import { clamp, dict, isDict, num, str } from './props';
import type { Dict } from './types';

export type Phase = 'entrance' | 'exit';

export interface Motion {
  keyframes: Keyframe[];
  duration: number; // ms
  delay: number; // ms
  easing: string;
}

export interface LoopMotion {
  kind: LoopKind;
  keyframes: Keyframe[];
  duration: number; // ms per cycle
  easing: string;
}

export const ENTRANCE_KINDS = ['none', 'fade', 'slide', 'scale', 'pop'] as const;
export const LOOP_KINDS = ['none', 'pulse', 'float', 'shake', 'spin'] as const;
export type LoopKind = Exclude<(typeof LOOP_KINDS)[number], 'none'>;

/** Easing names a streamer can pick, and the CSS timing function behind each. */
export const EASINGS: Readonly<Record<string, string>> = {
  smooth: 'cubic-bezier(0.2, 0.8, 0.2, 1)',
  linear: 'linear',
  ease: 'ease',
  'ease-in': 'cubic-bezier(0.5, 0, 0.75, 0)',
  'ease-out': 'cubic-bezier(0.25, 1, 0.5, 1)',
  'ease-in-out': 'cubic-bezier(0.65, 0, 0.35, 1)',
  back: 'cubic-bezier(0.34, 1.56, 0.64, 1)',
  snappy: 'cubic-bezier(0.7, 0, 0.2, 1)',
};
export const EASING_NAMES = Object.keys(EASINGS);

// Used when the element has no behavior for the phase: a short fade keeps
// things from popping on air without getting in the way.
const DEFAULT_DURATION_S: Record<Phase, number> = { entrance: 0.3, exit: 0.3 };
const MAX_DURATION_S = 10;
const MAX_DELAY_S = 10;

const EASE_OUT = EASINGS.smooth as string;
const EASE_IN = EASINGS['ease-in'] as string;

/** A named easing, or null when absent/unknown (the animation's own default applies). */
export function parseEasing(v: unknown): string | null {
  const s = str(v)?.trim().toLowerCase();
  if (!s) return null;
  return EASINGS[s] ?? null;
}

/** Seconds of delay before a phase starts, clamped to 0..10 s, as ms. */
export function parseDelay(v: unknown): number {
  return Math.round(clamp(num(v) ?? 0, 0, MAX_DELAY_S) * 1000);
}

function slideOffset(direction: string | undefined): string {
  switch (direction) {
    case 'left': return 'translateX(-80px)';
    case 'right': return 'translateX(80px)';
    case 'down': return 'translateY(-60px)';
    default: return 'translateY(60px)'; // "up": comes in from below
  }
}

function fade(phase: Phase): Keyframe[] {
  return phase === 'entrance' ? [{ opacity: 0 }, { opacity: 1 }] : [{ opacity: 1 }, { opacity: 0 }];
}

export interface MotionOptions {
  reducedMotion?: boolean;
  /** Full-stage effects only fade: scaling a 1920x1080 canvas looks wrong. */
  fadeOnly?: boolean;
}

/** The animation for one phase, or null for an instant change. */
export function motionFor(phase: Phase, behavior: Dict, opts: MotionOptions = {}): Motion | null {
  const raw = behavior[phase];
  // A bare string ("pop") is accepted as the type.
  const spec = typeof raw === 'string' ? { type: raw } : dict(raw);
  let type = (str(spec.type) ?? 'fade').toLowerCase();
  const seconds = clamp(num(spec.duration) ?? DEFAULT_DURATION_S[phase], 0, MAX_DURATION_S);
  const delay = opts.reducedMotion ? 0 : parseDelay(spec.delay);
  if (type === 'none' || seconds === 0) return null;
  const duration = Math.round(seconds * 1000);
  const picked = parseEasing(spec.easing);

  if (opts.reducedMotion || opts.fadeOnly) type = 'fade';
  const enter = phase === 'entrance';
  const m = (keyframes: Keyframe[], easing: string): Motion => ({ keyframes, duration, delay, easing: picked ?? easing });

  switch (type) {
    case 'slide': {
      const off = slideOffset(str(spec.direction));
      return enter
        ? m([{ opacity: 0, transform: off }, { opacity: 1, transform: 'none' }], EASE_OUT)
        : m([{ opacity: 1, transform: 'none' }, { opacity: 0, transform: off }], EASE_IN);
    }
    case 'scale':
    case 'grow':
    case 'shrink':
      return enter
        ? m([{ opacity: 0, transform: 'scale(0.6)' }, { opacity: 1, transform: 'scale(1)' }], EASE_OUT)
        : m([{ opacity: 1, transform: 'scale(1)' }, { opacity: 0, transform: 'scale(0.6)' }], EASE_IN);
    case 'pop':
    case 'bounce':
    case 'explosion':
      return enter
        ? m([
            { opacity: 0, transform: 'scale(0.3)', offset: 0 },
            { opacity: 1, transform: 'scale(1.12)', offset: 0.55 },
            { opacity: 1, transform: 'scale(0.96)', offset: 0.8 },
            { opacity: 1, transform: 'scale(1)', offset: 1 },
          ], 'ease-out')
        : m([
            { opacity: 1, transform: 'scale(1)', offset: 0 },
            { opacity: 1, transform: 'scale(1.1)', offset: 0.3 },
            { opacity: 0, transform: 'scale(0.2)', offset: 1 },
          ], 'ease-in');
    default:
      return m(fade(phase), enter ? 'ease-out' : 'ease-in');
  }
}

const LOOP_DEFAULT_S: Record<LoopKind, number> = { pulse: 1.6, float: 3, shake: 0.6, spin: 4 };

function loopKeyframes(kind: LoopKind, amount: number): Keyframe[] {
  switch (kind) {
    case 'pulse':
      return [{ transform: 'scale(1)' }, { transform: `scale(${1 + 0.08 * amount})` }, { transform: 'scale(1)' }];
    case 'float':
      return [{ transform: 'translateY(0px)' }, { transform: `translateY(${-12 * amount}px)` }, { transform: 'translateY(0px)' }];
    case 'shake': {
      const d = 6 * amount;
      return [
        { transform: 'translateX(0px) rotate(0deg)' },
        { transform: `translateX(${-d}px) rotate(${-1.5 * amount}deg)`, offset: 0.2 },
        { transform: `translateX(${d}px) rotate(${1.5 * amount}deg)`, offset: 0.4 },
        { transform: `translateX(${-d * 0.6}px) rotate(0deg)`, offset: 0.6 },
        { transform: `translateX(${d * 0.6}px) rotate(0deg)`, offset: 0.8 },
        { transform: 'translateX(0px) rotate(0deg)' },
      ];
    }
    case 'spin':
      return [{ transform: 'rotate(0deg)' }, { transform: 'rotate(360deg)' }];
  }
}

/**
 * `behavior.loop`: "pulse" | "float" | "shake" | "spin", or
 * `{type, duration (s per cycle), intensity (0.25..3), easing}`. Runs while the
 * element is shown. Null when absent, "none", unknown, or reduced motion
 * (loops are decoration only).
 */
export function loopFor(behavior: Dict, opts: MotionOptions = {}): LoopMotion | null {
  const raw = behavior.loop;
  const spec = typeof raw === 'string' ? { type: raw } : isDict(raw) ? raw : null;
  if (!spec || opts.reducedMotion) return null;
  const type = str(spec.type)?.trim().toLowerCase();
  if (type !== 'pulse' && type !== 'float' && type !== 'shake' && type !== 'spin') return null;
  const seconds = clamp(num(spec.duration) ?? LOOP_DEFAULT_S[type], 0.2, 60);
  const amount = clamp(num(spec.intensity) ?? 1, 0.25, 3);
  const easing = parseEasing(spec.easing) ?? (type === 'spin' ? 'linear' : 'ease-in-out');
  return { kind: type, keyframes: loopKeyframes(type, amount), duration: Math.round(seconds * 1000), easing };
}
