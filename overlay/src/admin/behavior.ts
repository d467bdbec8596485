// The Elements dialog's behaviour pickers as pure data: an element's
// `behavior` (entrance, exit, loop; docs/protocol.md) ↔ the strings the form
// edits, and the patch that saves only what changed. The kinds and easings are
// the overlay's own (overlay/motion.ts), so the picker offers exactly what
// goes on air.
import { EASING_NAMES, ENTRANCE_KINDS, LOOP_KINDS } from '../overlay/motion';
import type { Dict } from './types';
import { formatNumber, parseNumber } from './forms';

export type PhaseKey = 'entrance' | 'exit';

export interface PhaseDraft {
  type: string;
  duration: string;
  delay: string;
  /** '' = the kind's own easing. */
  easing: string;
  direction: string;
}

export interface LoopDraft {
  type: string;
  duration: string;
  intensity: string;
}

export interface BehaviorDraft {
  entrance: PhaseDraft;
  exit: PhaseDraft;
  loop: LoopDraft;
}

export const PHASE_KINDS = ENTRANCE_KINDS;
export { EASING_NAMES, LOOP_KINDS };
export const DIRECTIONS = ['up', 'down', 'left', 'right'] as const;

/** What the overlay does without a setting (motion.ts): a 0.3 s fade. */
const DEFAULT_PHASE_S = 0.3;
/** Seconds per loop cycle by kind (motion.ts LOOP_DEFAULT_S). */
export const LOOP_DEFAULT_S: Record<string, number> = { pulse: 1.6, float: 3, shake: 0.6, spin: 4 };

/** Older names widgets still send, shown as the kind they animate like. */
const ALIASES: Record<string, string> = { grow: 'scale', shrink: 'scale', bounce: 'pop', explosion: 'pop' };

export const RANGES = {
  duration: { min: 0, max: 10 },
  delay: { min: 0, max: 10 },
  loopDuration: { min: 0.2, max: 60 },
  intensity: { min: 0.25, max: 3 },
} as const;

function dict(v: unknown): Dict {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Dict) : {};
}
function spec(v: unknown): Dict {
  return typeof v === 'string' ? { type: v } : dict(v);
}
function text(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? formatNumber(v) : '';
}
function lower(v: unknown): string {
  return typeof v === 'string' ? v.trim().toLowerCase() : '';
}

function phaseDraft(v: unknown): PhaseDraft {
  const s = spec(v);
  const raw = lower(s.type) || 'fade';
  const type = ALIASES[raw] ?? ((PHASE_KINDS as readonly string[]).includes(raw) ? raw : 'fade');
  const easing = lower(s.easing);
  const direction = lower(s.direction);
  return {
    type,
    duration: text(s.duration) || formatNumber(DEFAULT_PHASE_S),
    delay: text(s.delay) || '0',
    easing: EASING_NAMES.includes(easing) ? easing : '',
    direction: (DIRECTIONS as readonly string[]).includes(direction) ? direction : 'up',
  };
}

function loopDraft(v: unknown): LoopDraft {
  const s = spec(v);
  const raw = lower(s.type);
  const type = (LOOP_KINDS as readonly string[]).includes(raw) ? raw : 'none';
  return {
    type,
    duration: text(s.duration) || (type === 'none' ? '' : formatNumber(LOOP_DEFAULT_S[type] ?? 1)),
    intensity: text(s.intensity) || '1',
  };
}

/** The form's starting point for an element's behaviour. */
export function behaviorDraft(behavior: Dict): BehaviorDraft {
  return { entrance: phaseDraft(behavior.entrance), exit: phaseDraft(behavior.exit), loop: loopDraft(behavior.loop) };
}

export class BehaviorError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const PHASE_LABEL: Record<PhaseKey, string> = { entrance: 'Entrance', exit: 'Exit' };

function seconds(label: string, field: string, t: string, range: { min: number; max: number }): number {
  const n = parseNumber(t);
  if (n === null || n < range.min || n > range.max) {
    throw new BehaviorError(field, `${label} must be a number from ${formatNumber(range.min)} to ${formatNumber(range.max)} seconds`);
  }
  return n;
}

function phaseValue(key: PhaseKey, d: PhaseDraft): Dict {
  if (d.type === 'none') return { type: 'none' };
  const label = PHASE_LABEL[key];
  const out: Dict = { type: d.type, duration: seconds(`${label} duration`, `${key}.duration`, d.duration, RANGES.duration) };
  const delay = d.delay.trim() === '' ? 0 : seconds(`${label} delay`, `${key}.delay`, d.delay, RANGES.delay);
  if (delay > 0) out.delay = delay;
  if (d.easing) out.easing = d.easing;
  if (d.type === 'slide') out.direction = d.direction;
  return out;
}

function loopValue(d: LoopDraft): Dict | null {
  if (d.type === 'none') return null;
  const out: Dict = { type: d.type };
  if (d.duration.trim() !== '') out.duration = seconds('Loop speed', 'loop.duration', d.duration, RANGES.loopDuration);
  const n = parseNumber(d.intensity);
  if (n === null || n < RANGES.intensity.min || n > RANGES.intensity.max) {
    throw new BehaviorError('loop.intensity', 'Loop strength must be a number from 0.25 to 3');
  }
  if (n !== 1) out.intensity = n;
  return out;
}

/** The behaviour the draft describes (throws BehaviorError naming the field). */
export function behaviorValue(d: BehaviorDraft): { entrance: Dict; exit: Dict; loop: Dict | null } {
  return { entrance: phaseValue('entrance', d.entrance), exit: phaseValue('exit', d.exit), loop: loopValue(d.loop) };
}

/**
 * Only the parts the streamer changed, ready for the element PATCH's `behavior`
 * (a removed loop is `null`); empty when nothing changed.
 */
export function behaviorPatch(d: BehaviorDraft, current: Dict): Dict {
  const before = behaviorDraft(current);
  const value = behaviorValue(d);
  const patch: Dict = {};
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (!same(d.entrance, before.entrance)) patch.entrance = value.entrance;
  if (!same(d.exit, before.exit)) patch.exit = value.exit;
  if (!same(d.loop, before.loop)) patch.loop = value.loop;
  return patch;
}

/** Best-effort behaviour for the live preview: fields that don't parse yet are left out. */
export function previewBehavior(d: BehaviorDraft): Dict {
  const attempt = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch {
      return fallback;
    }
  };
  const phase = (key: PhaseKey): Dict =>
    attempt(() => phaseValue(key, d[key]), { type: d[key].type, ...(d[key].easing && { easing: d[key].easing }), ...(d[key].type === 'slide' && { direction: d[key].direction }) });
  return {
    entrance: phase('entrance'),
    exit: phase('exit'),
    loop: attempt(() => loopValue(d.loop), d.loop.type === 'none' ? null : { type: d.loop.type }),
  };
}
