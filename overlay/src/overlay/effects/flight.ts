// A particle's path as Web Animations keyframes (pure). The particle effects simulate each
// particle once when it is spawned, at SIM_HZ, and hand the compositor the few keyframes
// that reproduce the path within a pixel: the browser then moves every particle on its
// compositor thread, with no per-frame JavaScript and no full-stage canvas to upload. Why:
// with software GL, one full-stage canvas redrawn per frame already costs a frame on its
// own; composited particles cost almost nothing (bench/frames.mjs).

/** One sample of a particle. Angles in degrees; channels a flight leaves out stay absent. */
export interface Pose {
  x: number;
  y: number;
  /** Rotation in the stage's plane. */
  rot?: number;
  /** Flip about the horizontal axis (confetti's flutter). */
  tilt?: number;
  /** Flip about the vertical axis (confetti's wobble). */
  turn?: number;
  /** Stretch along the particle's own x axis (a spark's trail grows with its speed). */
  sx?: number;
  alpha?: number;
}

type Channel = keyof Pose;
const CHANNELS: readonly Channel[] = ['x', 'y', 'rot', 'tilt', 'turn', 'sx', 'alpha'];
/** How far a keyframe's straight line may stray from the simulated path, per channel. */
const TOLERANCE: Record<Channel, number> = { x: 1, y: 1, rot: 2, tilt: 3, turn: 3, sx: 0.03, alpha: 0.02 };
/** Samples per second of simulated time. */
export const SIM_HZ = 30;
/** At most this many samples between two keyframes, so long straight runs stay cheap to check. */
const MAX_RUN = 16;

/**
 * Indices of the samples to keep: a greedy run-length simplification. A run from `a` to `b`
 * is kept as one straight segment while every sample inside lies within TOLERANCE of it.
 */
export function keptSamples(poses: readonly Pose[]): number[] {
  const n = poses.length;
  if (n <= 2) return poses.map((_, i) => i);
  const used = CHANNELS.filter((c) => poses[0]?.[c] !== undefined);
  const out = [0];
  let a = 0;
  let b = 2;
  while (b < n) {
    const pa = poses[a] as Pose;
    const pb = poses[b] as Pose;
    let fits = b - a <= MAX_RUN;
    for (let i = a + 1; fits && i < b; i++) {
      const t = (i - a) / (b - a);
      const pi = poses[i] as Pose;
      for (const c of used) {
        const va = pa[c] as number;
        if (Math.abs((pi[c] as number) - (va + ((pb[c] as number) - va) * t)) > TOLERANCE[c]) {
          fits = false;
          break;
        }
      }
    }
    if (fits) {
      b++;
    } else {
      a = b - 1;
      out.push(a);
      b = a + 2;
    }
  }
  out.push(n - 1);
  return out;
}

const r2 = (v: number): number => Math.round(v * 100) / 100;

/** The transform of one pose: every keyframe of a flight lists the same functions, so each interpolates on its own. */
export function transformOf(p: Pose): string {
  let t = `translate(${r2(p.x)}px, ${r2(p.y)}px)`;
  if (p.rot !== undefined) t += ` rotate(${r2(p.rot)}deg)`;
  if (p.tilt !== undefined) t += ` rotateX(${r2(p.tilt)}deg)`;
  if (p.turn !== undefined) t += ` rotateY(${r2(p.turn)}deg)`;
  if (p.sx !== undefined) t += ` scaleX(${r2(p.sx)})`;
  return t;
}

/** The kept samples of a flight with their times: what either particle backend plays. */
export interface Track {
  /** ms from the flight's start, ascending, first 0, last `duration`. */
  times: number[];
  poses: Pose[];
  duration: number;
}

export function trackOf(poses: readonly Pose[]): Track {
  const kept = keptSamples(poses);
  return { times: kept.map((i) => (i * 1000) / SIM_HZ), poses: kept.map((i) => poses[i] as Pose), duration: durationOf(poses) };
}

/** Keyframes (transform and opacity only) of a track, for the Web Animations backend. */
export function keyframesOf(track: Track): Keyframe[] {
  const span = Math.max(1, track.duration);
  return track.poses.map((p, i) => {
    const k: Keyframe = { offset: Math.min(1, (track.times[i] as number) / span), transform: transformOf(p) };
    if (p.alpha !== undefined) k.opacity = r2(Math.min(1, Math.max(0, p.alpha)));
    return k;
  });
}

/**
 * The pose `t` ms into a track, each channel interpolated on a straight line between its
 * keyframes, as the compositor does (the canvas backend). `from` is where to start looking
 * (the last segment used: time only moves forward), and the segment found is returned with it.
 */
export function poseAt(track: Track, t: number, from = 0): { pose: Pose; segment: number } {
  const { times, poses } = track;
  let i = Math.min(Math.max(0, from), times.length - 2);
  while (i > 0 && (times[i] as number) > t) i--;
  while (i < times.length - 2 && (times[i + 1] as number) <= t) i++;
  const a = poses[i] as Pose;
  const b = (poses[i + 1] ?? a) as Pose;
  const ta = times[i] as number;
  const tb = (times[i + 1] ?? ta) as number;
  const k = tb > ta ? Math.min(1, Math.max(0, (t - ta) / (tb - ta))) : 0;
  const pose: Pose = { x: a.x + (b.x - a.x) * k, y: a.y + (b.y - a.y) * k };
  for (const c of CHANNELS) {
    if (c === 'x' || c === 'y') continue;
    const va = a[c];
    if (va !== undefined) pose[c] = va + (((b[c] as number) ?? va) - va) * k;
  }
  return { pose, segment: i };
}

/** Duration in ms of poses sampled at SIM_HZ. */
export function durationOf(poses: readonly Pose[]): number {
  return (Math.max(1, poses.length - 1) * 1000) / SIM_HZ;
}

/**
 * Samples a simulation: `step(dt)` advances it by dt seconds and answers false once the
 * particle is gone; `pose()` reads it. Stops after `maxSeconds` at the latest.
 */
export function simulate(step: (dt: number) => boolean, pose: () => Pose, maxSeconds: number): Pose[] {
  const dt = 1 / SIM_HZ;
  const out = [pose()];
  const limit = Math.ceil(maxSeconds * SIM_HZ);
  for (let i = 0; i < limit; i++) {
    const alive = step(dt);
    out.push(pose());
    if (!alive) break;
  }
  return out;
}
