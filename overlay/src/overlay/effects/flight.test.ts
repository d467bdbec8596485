import { describe, expect, it } from 'vitest';
import { planConfetti } from '../confetti-plan';
import { confettiFlight } from './confetti';
import { rocketWave } from './fireworks';
import { durationOf, keptSamples, keyframesOf, type Pose, poseAt, SIM_HZ, simulate, trackOf, transformOf } from './flight';
import { fit, thinned } from './swarm';

/** Linear interpolation of the kept samples at sample index i. */
function between(poses: Pose[], kept: number[], i: number, c: 'x' | 'y'): number {
  const b = kept.findIndex((k) => k >= i);
  const hi = kept[b] as number;
  if (hi === i) return poses[i]?.[c] as number;
  const lo = kept[b - 1] as number;
  const t = (i - lo) / (hi - lo);
  return (poses[lo]?.[c] as number) + ((poses[hi]?.[c] as number) - (poses[lo]?.[c] as number)) * t;
}

describe('flight keyframes', () => {
  it('a straight path needs only its ends (and a keyframe every half second)', () => {
    const poses = Array.from({ length: 10 }, (_, i) => ({ x: i * 5, y: 100 - i * 3, alpha: 1 - i / 9 }));
    expect(keptSamples(poses)).toEqual([0, 9]);
    const long = Array.from({ length: 40 }, (_, i) => ({ x: i, y: 0 }));
    expect(keptSamples(long)).toEqual([0, 16, 32, 39]);
  });

  it('a curved path keeps enough keyframes to stay within a pixel of the simulation', () => {
    let x = 0;
    let y = 0;
    let vy = -600;
    const poses = simulate((dt) => {
      vy += 900 * dt;
      x += 200 * dt;
      y += vy * dt;
      return y < 400;
    }, () => ({ x, y }), 10);
    const kept = keptSamples(poses);
    expect(kept.length).toBeGreaterThan(4);
    expect(kept.length).toBeLessThan(poses.length / 2);
    for (let i = 0; i < poses.length; i++) {
      expect(Math.abs(between(poses, kept, i, 'y') - (poses[i]?.y as number))).toBeLessThanOrEqual(1);
    }
  });

  it('keyframes: offsets from 0 to 1, the same transform functions in each, opacity clamped', () => {
    const poses: Pose[] = Array.from({ length: 31 }, (_, i) => ({ x: i * i, y: 0, rot: i * 10, tilt: i * 20, turn: 0, sx: 1, alpha: 1.2 - i / 10 }));
    const frames = keyframesOf(trackOf(poses));
    expect(frames[0]?.offset).toBe(0);
    expect(frames.at(-1)?.offset).toBe(1);
    const offsets = frames.map((f) => f.offset as number);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    const shape = (t: unknown): string => String(t).replace(/-?[\d.]+/g, '#');
    for (const f of frames) {
      expect(shape(f.transform)).toBe('translate(#px, #px) rotate(#deg) rotateX(#deg) rotateY(#deg) scaleX(#)');
      expect(f.opacity).toBeGreaterThanOrEqual(0);
      expect(f.opacity).toBeLessThanOrEqual(1);
    }
    expect(transformOf({ x: 1.234, y: 2 })).toBe('translate(1.23px, 2px)');
    expect(durationOf(poses)).toBeCloseTo((30 * 1000) / SIM_HZ);
  });

  it('poseAt follows the keyframes as the compositor does, from any segment hint', () => {
    const poses: Pose[] = Array.from({ length: 31 }, (_, i) => ({ x: i * i, y: 10, rot: i * 3, alpha: 1 - i / 30 }));
    const track = trackOf(poses);
    const t = track.times[2] as number;
    const { pose, segment } = poseAt(track, t, 0);
    expect(pose.x).toBeCloseTo(track.poses[2]?.x as number);
    expect(segment).toBe(2);
    expect(poseAt(track, t, 99).pose.x).toBeCloseTo(pose.x);
    const mid = ((track.times[1] as number) + (track.times[2] as number)) / 2;
    expect(poseAt(track, mid).pose.x).toBeCloseTo(((track.poses[1]?.x as number) + (track.poses[2]?.x as number)) / 2);
    expect(poseAt(track, mid).pose.rot).toBeCloseTo((mid / 1000) * SIM_HZ * 3);
    expect(poseAt(track, track.duration + 500).pose.alpha).toBeCloseTo(0);
    expect(poseAt(track, -5).pose.x).toBe(0);
  });

  it('simulate stops when the particle is gone, or at the time limit', () => {
    let n = 0;
    expect(simulate(() => ++n < 5, () => ({ x: n, y: 0 }), 10).length).toBe(6);
    expect(simulate(() => true, () => ({ x: 0, y: 0 }), 1).length).toBe(SIM_HZ + 1);
  });
});

describe('particle budget', () => {
  it('thins a wave evenly to the room left', () => {
    const all = Array.from({ length: 10 }, (_, i) => i);
    expect(thinned(all, 20)).toEqual(all);
    expect(thinned(all, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(thinned(all, 0)).toEqual([]);
    expect(thinned(all, -3)).toEqual([]);
  });
  it('a wave that does not fit takes half the room, leaving some for the next effect', () => {
    expect(fit(100, 320)).toBe(100);
    expect(fit(320, 320)).toBe(320);
    expect(fit(666, 320)).toBe(160);
    expect(fit(600, 41)).toBe(20);
    expect(fit(5, 0)).toBe(0);
  });
});

describe('effect paths', () => {
  it('confetti: shot up from its cannon, fading out over the burst ticks', () => {
    const [main] = planConfetti({ particle_count: 50 });
    if (!main) throw new Error('no burst');
    for (let k = 0; k < 20; k++) {
      const f = confettiFlight(main, 1920, 1080);
      const first = f.poses[0] as Pose;
      expect(first.x).toBeCloseTo(main.origin.x * 1920);
      expect(first.y).toBeCloseTo(main.origin.y * 1080);
      expect(Math.min(...f.poses.map((p) => p.y))).toBeLessThan(first.y); // up before it falls
      expect(first.alpha).toBe(1);
      expect(f.poses.at(-1)?.alpha).toBeCloseTo(0);
      expect(durationOf(f.poses)).toBeCloseTo((main.ticks / 60) * 1000, -2);
      expect(main.colors).toContain(f.look.color);
    }
  });

  it('fireworks: the burst starts where and when the rocket peaks', () => {
    const wave = rocketWave(1920, 1080, ['#FF0000'], 20);
    expect(wave.length).toBe(21);
    const [rocket, ...sparks] = wave;
    if (!rocket) throw new Error('no rocket');
    const top = rocket.poses.at(-1) as Pose;
    expect(top.y).toBeLessThan(1080 * 0.5);
    for (const s of sparks) {
      expect(s.delay).toBeCloseTo(durationOf(rocket.poses));
      expect(Math.hypot((s.poses[0]?.x as number) - top.x, (s.poses[0]?.y as number) - top.y)).toBeLessThan(80);
      expect(s.poses.at(-1)?.alpha).toBeLessThan(0.1);
    }
  });
});
