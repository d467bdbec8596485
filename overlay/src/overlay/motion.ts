// behavior.entrance / behavior.exit -> Web Animations keyframes (pure).
import { clamp, dict, num, str } from './props';
import type { Dict } from './types';

export type Phase = 'entrance' | 'exit';

export interface Motion {
  keyframes: Keyframe[];
  duration: number; // ms
  easing: string;
}

// Used when the element has no behavior for the phase: a short fade keeps
// things from popping on air without getting in the way.
const DEFAULT_DURATION_S: Record<Phase, number> = { entrance: 0.3, exit: 0.3 };
const MAX_DURATION_S = 10;

const EASE_OUT = 'cubic-bezier(0.2, 0.8, 0.2, 1)';
const EASE_IN = 'cubic-bezier(0.5, 0, 0.75, 0)';

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
  const spec = dict(raw);
  let type = (str(spec.type) ?? 'fade').toLowerCase();
  const seconds = clamp(num(spec.duration) ?? DEFAULT_DURATION_S[phase], 0, MAX_DURATION_S);
  if (type === 'none' || seconds === 0) return null;
  const duration = Math.round(seconds * 1000);

  if (opts.reducedMotion || opts.fadeOnly) type = 'fade';
  const enter = phase === 'entrance';

  switch (type) {
    case 'slide': {
      const off = slideOffset(str(spec.direction));
      return enter
        ? { keyframes: [{ opacity: 0, transform: off }, { opacity: 1, transform: 'none' }], duration, easing: EASE_OUT }
        : { keyframes: [{ opacity: 1, transform: 'none' }, { opacity: 0, transform: off }], duration, easing: EASE_IN };
    }
    case 'scale':
    case 'grow':
    case 'shrink':
      return enter
        ? { keyframes: [{ opacity: 0, transform: 'scale(0.6)' }, { opacity: 1, transform: 'scale(1)' }], duration, easing: EASE_OUT }
        : { keyframes: [{ opacity: 1, transform: 'scale(1)' }, { opacity: 0, transform: 'scale(0.6)' }], duration, easing: EASE_IN };
    case 'pop':
    case 'bounce':
    case 'explosion':
      return enter
        ? {
            keyframes: [
              { opacity: 0, transform: 'scale(0.3)', offset: 0 },
              { opacity: 1, transform: 'scale(1.12)', offset: 0.55 },
              { opacity: 1, transform: 'scale(0.96)', offset: 0.8 },
              { opacity: 1, transform: 'scale(1)', offset: 1 },
            ],
            duration,
            easing: 'ease-out',
          }
        : {
            keyframes: [
              { opacity: 1, transform: 'scale(1)', offset: 0 },
              { opacity: 1, transform: 'scale(1.1)', offset: 0.3 },
              { opacity: 0, transform: 'scale(0.2)', offset: 1 },
            ],
            duration,
            easing: 'ease-in',
          };
    default:
      return { keyframes: fade(phase), duration, easing: enter ? 'ease-out' : 'ease-in' };
  }
}
