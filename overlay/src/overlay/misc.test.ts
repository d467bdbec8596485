import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, backoffDelay } from './backoff';
import { confettiColors, DEFAULT_COLORS, parseIntensity, planConfetti, shade } from './confetti-plan';
import { motionFor } from './motion';
import { progressSpec } from './progress';
import { deepEqual, isShown, mediaFor, triggerId } from './props';
import type { OverlayElement } from './types';

describe('backoffDelay', () => {
  it('doubles from 250 ms and caps at 5 s, with jitter in [ceiling/2, ceiling]', () => {
    expect(backoffDelay(0, () => 0)).toBe(125);
    expect(backoffDelay(0, () => 0.999999)).toBe(250);
    expect(backoffDelay(1, () => 0.999999)).toBe(500);
    expect(backoffDelay(4, () => 0.999999)).toBe(4000);
    expect(backoffDelay(5, () => 0.999999)).toBe(BACKOFF_CAP_MS);
    expect(backoffDelay(1000, () => 0.999999)).toBe(BACKOFF_CAP_MS);
    for (let a = 0; a < 50; a++) {
      const d = backoffDelay(a);
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    }
  });
});

describe('motionFor', () => {
  it('defaults to a short fade when behavior is absent', () => {
    const m = motionFor('entrance', {});
    expect(m?.duration).toBe(300);
    expect(m?.keyframes).toEqual([{ opacity: 0 }, { opacity: 1 }]);
  });

  it('none or zero duration is instant', () => {
    expect(motionFor('exit', { exit: { type: 'none', duration: 1 } })).toBeNull();
    expect(motionFor('entrance', { entrance: { type: 'pop', duration: 0 } })).toBeNull();
  });

  it('maps types and durations (seconds -> ms, clamped)', () => {
    const pop = motionFor('entrance', { entrance: { type: 'pop', duration: 0.5 } });
    expect(pop?.duration).toBe(500);
    expect(pop?.keyframes.length).toBe(4);
    expect(motionFor('exit', { exit: { type: 'slide', duration: 99 } })?.duration).toBe(10_000);
    expect(motionFor('entrance', { entrance: { type: 'scale', duration: 0.2 } })?.keyframes[0]).toEqual({
      opacity: 0, transform: 'scale(0.6)',
    });
    expect(motionFor('entrance', { entrance: { type: 'SLIDE', direction: 'left' } })?.keyframes[0]).toEqual({
      opacity: 0, transform: 'translateX(-80px)',
    });
  });

  it('unknown types fade; reduced motion and full-stage effects only fade', () => {
    expect(motionFor('entrance', { entrance: { type: 'wobble' } })?.keyframes).toEqual([{ opacity: 0 }, { opacity: 1 }]);
    expect(motionFor('exit', { exit: { type: 'pop' } }, { reducedMotion: true })?.keyframes).toEqual([{ opacity: 1 }, { opacity: 0 }]);
    expect(motionFor('entrance', { entrance: { type: 'scale' } }, { fadeOnly: true })?.keyframes).toEqual([{ opacity: 0 }, { opacity: 1 }]);
  });
});

describe('confetti plan', () => {
  it('parses intensity case-insensitively', () => {
    expect(parseIntensity('High')).toBe('high');
    expect(parseIntensity('LOW')).toBe('low');
    expect(parseIntensity('extreme')).toBe('medium');
    expect(parseIntensity(undefined)).toBe('medium');
  });

  it('particle_count is the main burst at Medium, scaled by intensity', () => {
    const main = (intensity: string): number => planConfetti({ intensity, particle_count: 200, duration_s: 3 })[0]!.particleCount;
    expect(main('Low')).toBe(100);
    expect(main('Medium')).toBe(200);
    expect(main('High')).toBe(400);
  });

  it('a whole blast is about 3x the main burst', () => {
    const total = planConfetti({ particle_count: 200, duration_s: 3 }).reduce((n, b) => n + b.particleCount, 0);
    expect(total).toBeGreaterThan(500);
    expect(total).toBeLessThan(650);
    const short = planConfetti({ particle_count: 200, duration_s: 0.5 }).reduce((n, b) => n + b.particleCount, 0);
    expect(short).toBe(600);
  });

  it('spreads bursts over the duration, ending early enough to settle', () => {
    const plan = planConfetti({ duration_s: 3 });
    const last = Math.max(...plan.map((b) => b.at));
    expect(plan.filter((b) => b.at === 0).length).toBe(3);
    expect(last).toBeGreaterThan(1000);
    expect(last).toBeLessThanOrEqual(2100);
  });

  it('short blasts fire everything at once', () => {
    const plan = planConfetti({ duration_s: 0.5, particle_count: 100 });
    expect(plan.every((b) => b.at === 0)).toBe(true);
  });

  it('high intensity spreads wider and faster', () => {
    const low = planConfetti({ intensity: 'Low' })[0];
    const high = planConfetti({ intensity: 'High' })[0];
    expect(high!.spread).toBeGreaterThan(low!.spread);
    expect(high!.startVelocity).toBeGreaterThan(low!.startVelocity);
  });

  it('reduced motion is a single small burst', () => {
    const plan = planConfetti({ particle_count: 200 }, { reducedMotion: true });
    expect(plan).toHaveLength(1);
    expect(plan[0]!.particleCount).toBe(100);
  });

  it('colors: validates, adds shades, falls back to a palette', () => {
    expect(confettiColors(['#ff0000'])).toEqual(['#FF0000', shade('#FF0000', 0.35), shade('#FF0000', -0.25)]);
    expect(confettiColors('#0f0')[0]).toBe('#00FF00');
    expect(confettiColors(['red', 5, '#12345'])).toEqual(DEFAULT_COLORS);
    expect(confettiColors(undefined)).toEqual(DEFAULT_COLORS);
    expect(shade('#000000', 1)).toBe('#FFFFFF');
  });

  it('never throws on garbage', () => {
    expect(() => planConfetti({ intensity: 3, particle_count: 'many', colors: {}, duration_s: -4 })).not.toThrow();
    const huge = planConfetti({ intensity: 'High', particle_count: 1e9, duration_s: 1e9 });
    expect(huge.reduce((n, b) => n + b.particleCount, 0)).toBeLessThanOrEqual(2100);
    expect(huge[0]!.particleCount).toBe(666);
    const thin = planConfetti({ intensity: 'Low', particle_count: 10, duration_s: 30 });
    expect(thin.reduce((n, b) => n + b.particleCount, 0)).toBeLessThanOrEqual(20);
  });
});

describe('progressSpec', () => {
  it('reads and clamps progress', () => {
    expect(progressSpec({ progress: { percent: 10, color: '#00ff88', track_color: '#222', label: '$50 / $500' } })).toEqual({
      percent: 10, color: '#00ff88', trackColor: '#222', label: '$50 / $500',
    });
    expect(progressSpec({ progress: { percent: 150 } })?.percent).toBe(100);
    expect(progressSpec({ progress: { percent: 33.33333 } })?.percent).toBe(33.33);
    expect(progressSpec({ progress: {} })?.percent).toBe(0);
    expect(progressSpec({})).toBeNull();
    expect(progressSpec({ progress: 5 })).toBeNull();
  });
});

describe('element helpers', () => {
  const base: OverlayElement = {
    id: 1, widget_id: 1, name: 'x', element_type: 'audio', properties: { trigger_id: 4 }, behavior: {},
    visible: true, enabled: false,
    media_details: [
      { id: 1, role: 'preview', url: '/a.png', mime_type: 'image/png' },
      { id: 2, role: 'audio', url: '/a.mp3', mime_type: 'audio/mpeg' },
    ],
  };

  it('shown means visible and enabled', () => {
    expect(isShown(base)).toBe(false);
    expect(isShown({ ...base, enabled: true })).toBe(true);
    expect(isShown({ ...base, enabled: true, visible: false })).toBe(false);
  });

  it('finds media by role, then by MIME type', () => {
    expect(mediaFor(base, 'audio')?.id).toBe(2);
    expect(mediaFor(base, 'image')?.id).toBe(1);
    expect(mediaFor(base, 'video')).toBeUndefined();
  });

  it("prefers an alert variation's pick of the same kind", () => {
    const varied = {
      ...base,
      media_details: [...base.media_details, { id: 9, role: 'variation', url: '/big.gif', mime_type: 'image/gif' }],
    };
    expect(mediaFor(varied, 'image')?.id).toBe(9);
    expect(mediaFor(varied, 'audio')?.id).toBe(2);
  });

  it('reads trigger_id', () => {
    expect(triggerId(base)).toBe(4);
    expect(triggerId({ ...base, properties: {} })).toBeNull();
  });

  it('deepEqual compares decoded values structurally', () => {
    expect(deepEqual({ a: [1, { b: 'c' }] }, { a: [1, { b: 'c' }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
  });
});
