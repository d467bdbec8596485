// Confetti choreography as data (pure): when to fire which burst. The DOM side
// (effects/confetti.ts) flies each burst's particles. Intensity scales count, spread and speed.
import { clamp, num, str } from './props';
import type { Dict } from './types';

export type Intensity = 'low' | 'medium' | 'high';

export interface Burst {
  /** ms after the trigger */
  at: number;
  particleCount: number;
  angle: number;
  spread: number;
  startVelocity: number;
  origin: { x: number; y: number };
  colors: string[];
  ticks: number;
  gravity: number;
  decay: number;
  scalar: number;
  drift: number;
  shapes: Array<'square' | 'circle' | 'star'>;
}

const SCALE: Record<Intensity, { count: number; spread: number; velocity: number }> = {
  low: { count: 0.5, spread: 0.8, velocity: 0.85 },
  medium: { count: 1, spread: 1, velocity: 1 },
  high: { count: 2, spread: 1.25, velocity: 1.15 },
};

export const DEFAULT_COLORS = ['#FF3B5C', '#FFC93C', '#3BE8B0', '#3B9BFF', '#B06BFF', '#FFFFFF'];
const MAX_PARTICLES = 2000; // per trigger; keeps OBS smooth even at "High" x 1000
const STREAM_EVERY_MS = 220;

export function parseIntensity(v: unknown): Intensity {
  const s = str(v)?.trim().toLowerCase();
  return s === 'low' || s === 'high' ? s : 'medium';
}

function hexToRgb(hex: string): [number, number, number] {
  const h = hex.length === 4 ? hex.replace(/^#(.)(.)(.)$/, '#$1$1$2$2$3$3') : hex;
  return [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
}

function rgbToHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((c) => Math.round(clamp(c, 0, 255)).toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

/** Mix toward white (t > 0) or black (t < 0). */
export function shade(hex: string, t: number): string {
  const rgb = hexToRgb(hex);
  const target = t > 0 ? 255 : 0;
  const k = Math.abs(t);
  return rgbToHex(rgb.map((c) => c + (target - c) * k) as [number, number, number]);
}

/**
 * Valid #RRGGBB/#RGB colors, each with a lighter and a darker shade so that a
 * single-color blast still has depth. Falls back to a festive palette.
 */
export function confettiColors(v: unknown): string[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  const base = list
    .filter((c): c is string => typeof c === 'string' && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(c.trim()))
    .map((c) => rgbToHex(hexToRgb(c.trim())));
  if (base.length === 0) return DEFAULT_COLORS.slice();
  const out: string[] = [];
  for (const c of base) out.push(c, shade(c, 0.35), shade(c, -0.25));
  return [...new Set(out)];
}

/**
 * `particle_count` is the size of the main burst at Medium (the daemon's
 * widget documents it as "particles per burst"); intensity scales it. The
 * side cannons add half of that each and the stream another full share, so
 * a blast is about 3x particle_count in total (capped).
 */
export function planConfetti(props: Dict, opts: { reducedMotion?: boolean } = {}): Burst[] {
  const intensity = parseIntensity(props.intensity);
  const k = SCALE[intensity];
  const baseCount = clamp(Math.round(num(props.particle_count) ?? 100), 1, 1000);
  let main = Math.max(1, Math.round(baseCount * k.count));
  // Keep the whole blast under the cap by shrinking every share alike.
  if (main * 3 > MAX_PARTICLES) main = Math.floor(MAX_PARTICLES / 3);
  const durationMs = clamp(num(props.duration_s) ?? 3, 0.3, 30) * 1000;
  const colors = confettiColors(props.colors);
  const shapes: Burst['shapes'] = intensity === 'high' ? ['square', 'circle', 'star'] : ['square', 'circle'];
  const common = { colors, gravity: 0.9, decay: 0.91, scalar: 1.5, drift: 0, shapes };

  if (opts.reducedMotion) {
    return [{ ...common, at: 0, particleCount: Math.max(1, Math.round(main / 2)), angle: 90, spread: 70 * k.spread,
      startVelocity: 35 * k.velocity, origin: { x: 0.5, y: 0.6 }, ticks: 150 }];
  }

  // Stream bursts stop early enough for their particles to be seen before
  // the element is hidden (hide fades and clears the canvas).
  const streamEnd = durationMs - 900;
  let streamTimes: number[] = [];
  for (let t = 250; t <= streamEnd; t += STREAM_EVERY_MS) streamTimes.push(t);
  // At least one particle per cannon per tick: thin the ticks out for small counts.
  const maxTicks = Math.max(1, Math.floor(main / 2));
  if (streamTimes.length > maxTicks) {
    const all = streamTimes;
    const step = all.length / maxTicks;
    streamTimes = Array.from({ length: maxTicks }, (_, i) => all[Math.floor(i * step)] ?? 0);
  }

  // Short blasts: the stream's share goes into the opening instead.
  const side = Math.max(1, Math.round(main * (streamTimes.length > 0 ? 0.5 : 1)));
  const bursts: Burst[] = [
    { ...common, at: 0, particleCount: main, angle: 90, spread: 100 * k.spread, startVelocity: 48 * k.velocity,
      origin: { x: 0.5, y: 0.62 }, ticks: 280 },
    { ...common, at: 0, particleCount: side, angle: 60, spread: 55 * k.spread, startVelocity: 70 * k.velocity,
      origin: { x: 0, y: 0.8 }, ticks: 300, drift: 0.3 },
    { ...common, at: 0, particleCount: side, angle: 120, spread: 55 * k.spread, startVelocity: 70 * k.velocity,
      origin: { x: 1, y: 0.8 }, ticks: 300, drift: -0.3 },
  ];

  if (streamTimes.length > 0) {
    const per = Math.max(1, Math.floor(main / (streamTimes.length * 2)));
    for (const at of streamTimes) {
      const wobble = ((at / STREAM_EVERY_MS) % 3) * 5; // a bit of variety between ticks
      bursts.push(
        { ...common, at, particleCount: per, angle: 55 + wobble, spread: 45 * k.spread, startVelocity: 62 * k.velocity,
          origin: { x: 0, y: 0.75 }, ticks: 240, drift: 0.2 },
        { ...common, at, particleCount: per, angle: 125 - wobble, spread: 45 * k.spread, startVelocity: 62 * k.velocity,
          origin: { x: 1, y: 0.75 }, ticks: 240, drift: -0.2 },
      );
    }
  }
  return bursts;
}
