// The wheel of the "spin" effect (pure): segments, where the server says it
// must stop, and the rotation that gets there. Angles are degrees clockwise;
// segment i spans [i*w, (i+1)*w) measured from the top (the pointer) at
// rotation 0, so a segment is under the pointer when the wheel is rotated
// back by its angle.
import { clamp, isDict, num, str } from './props';
import type { Dict } from './types';

export interface Segment {
  label: string;
  color: string;
}

const WHEEL_COLORS = ['#7C4DFF', '#18D8A8', '#FF5C8A', '#FFC23C', '#3BA7FF', '#FF8A3C', '#B06BFF', '#2EC4B6'];
const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;
export const MAX_SEGMENTS = 24;

/** `properties.segments`: labels, or `{label, color}` maps; 2..24 of them. */
export function wheelSegments(v: unknown): Segment[] {
  const list = Array.isArray(v) ? v.slice(0, MAX_SEGMENTS) : [];
  const out = list.map((s, i): Segment => {
    const fallback = WHEEL_COLORS[i % WHEEL_COLORS.length] as string;
    if (isDict(s)) {
      const color = str(s.color)?.trim();
      return { label: (str(s.label) ?? '').slice(0, 40), color: color && HEX.test(color) ? color : fallback };
    }
    return { label: (str(s) ?? '').slice(0, 40), color: fallback };
  });
  // A wheel needs two sides to be a wheel; an odd count next to the first
  // colour would put two equal colours side by side.
  while (out.length < 2) out.push({ label: '', color: WHEEL_COLORS[out.length] as string });
  if (out.length > 2 && out.length % WHEEL_COLORS.length === 1) {
    const last = out[out.length - 1] as Segment;
    if (last.color === out[0]?.color) last.color = WHEEL_COLORS[3] as string;
  }
  return out;
}

export function mod360(a: number): number {
  return ((a % 360) + 360) % 360;
}

/**
 * Final wheel angle (0..360) the server chose: `target_angle` if given, else
 * the centre of `target_segment`; null when neither is set (the wheel waits).
 */
export function targetAngle(props: Dict, segmentCount: number): number | null {
  const angle = num(props.target_angle);
  if (angle !== undefined) return mod360(angle);
  const seg = num(props.target_segment);
  if (seg === undefined || segmentCount < 1) return null;
  const i = clamp(Math.floor(seg), 0, segmentCount - 1);
  const w = 360 / segmentCount;
  return mod360(360 - (i + 0.5) * w);
}

/** The segment under the pointer at rotation `angle`. */
export function segmentAt(angle: number, segmentCount: number): number {
  const w = 360 / segmentCount;
  return Math.floor(mod360(360 - mod360(angle)) / w) % segmentCount;
}

/**
 * Rotation to animate to from `current`: at least `turns` whole turns
 * forward, ending exactly on `target` (mod 360).
 */
export function spinEnd(current: number, target: number, turns: number): number {
  const base = current + Math.max(0, Math.round(turns)) * 360;
  return base + mod360(target - base);
}

export interface SpinTiming {
  turns: number;
  duration: number; // ms
}

export function spinTiming(props: Dict, reducedMotion = false): SpinTiming {
  if (reducedMotion) return { turns: 0, duration: 0 };
  return {
    turns: Math.round(clamp(num(props.turns) ?? 5, 0, 30)),
    duration: Math.round(clamp(num(props.spin_duration_s) ?? num(props.duration_s) ?? 5, 0, 60) * 1000),
  };
}
