import { describe, expect, it } from 'vitest';
import { decimalsOf, rollDuration, rollValue } from './counter-roll';
import { effectNameOf, lookupEffect, registerEffect } from './effects/registry';
import { EASINGS, loopFor, motionFor, parseDelay, parseEasing } from './motion';
import { segmentAt, spinEnd, targetAngle, wheelSegments } from './spin-plan';
import { parentKey, sortChildren, stackSpec, stackStyle } from './stack';
import { textDecorationStyle } from './style';

describe('effect registry', () => {
  it('looks effects up by normalized name; unknown names are undefined', () => {
    const def = { name: 'test-sparkle', fullStage: false, create: () => { throw new Error('unused'); } };
    registerEffect('animation', def);
    expect(lookupEffect('animation', ' Test-Sparkle ')).toBe(def);
    expect(lookupEffect('canvas', 'test-sparkle')).toBeUndefined();
    expect(lookupEffect('animation', 'nope')).toBeUndefined();
  });
  it('reads properties.effect, then the older properties.animation; confetti by default', () => {
    expect(effectNameOf('animation', { effect: 'Hearts', animation: 'confetti' })).toBe('hearts');
    expect(effectNameOf('animation', { animation: 'snow' })).toBe('snow');
    expect(effectNameOf('animation', {})).toBe('confetti');
    expect(effectNameOf('canvas', {})).toBe('');
  });
});

describe('counter roll', () => {
  it('starts at from, lands exactly on to', () => {
    expect(rollValue(0, 100, 0, 700)).toBe(0);
    expect(rollValue(0, 100, 700, 700)).toBe(100);
    expect(rollValue(0, 100, 5000, 700)).toBe(100);
    const mid = rollValue(0, 100, 350, 700);
    expect(mid).toBeGreaterThan(50); // ease-out: past half at half time
    expect(mid).toBeLessThan(100);
    expect(Number.isInteger(mid)).toBe(true);
  });
  it('keeps decimals of the more precise value; durations scale with distance', () => {
    expect(decimalsOf(1.5, 2)).toBe(1);
    expect(decimalsOf(1, 2)).toBe(0);
    expect(rollDuration(1, 1)).toBe(0);
    expect(rollDuration(1, 2)).toBe(250);
    expect(rollDuration(0, 1000)).toBe(700);
    expect(rollDuration(0, 1000, true)).toBe(0);
  });
});

describe('stack', () => {
  it('orders children by order (numbers first), then name', () => {
    const kids = [
      { name: 'c', properties: {} }, { name: 'b', properties: { order: 2 } }, { name: 'a', properties: { order: 2 } },
      { name: 'z', properties: { order: '1' } }, { name: 'a0', properties: {} },
    ];
    expect(sortChildren(kids).map((k) => k.name)).toEqual(['z', 'a', 'b', 'a0', 'c']);
  });
  it('parent key is per widget; self-parenting is ignored', () => {
    expect(parentKey({ widget_id: 3, name: 'row', properties: { parent: 'list' } })).toBe(parentKey({ widget_id: 3, name: 'x', properties: { parent: 'list' } }));
    expect(parentKey({ widget_id: 3, name: 'row', properties: { parent: 'list' } })).not.toBe(parentKey({ widget_id: 4, name: 'row', properties: { parent: 'list' } }));
    expect(parentKey({ widget_id: 3, name: 'list', properties: { parent: 'list' } })).toBeNull();
    expect(parentKey({ widget_id: 3, name: 'list', properties: {} })).toBeNull();
  });
  it('maps direction, gap and align to flexbox with safe defaults', () => {
    expect(stackStyle(stackSpec({ direction: 'horizontal', gap: 12, align: 'center' }))).toEqual({
      display: 'flex', 'flex-direction': 'row', gap: '12px', 'align-items': 'center',
    });
    expect(stackSpec({ direction: 'diagonal', gap: -5, align: 'middle' })).toEqual({ direction: 'vertical', gap: 0, align: 'start' });
  });
});

describe('behavior: delay, easing, loop', () => {
  it('parses named easings and delays', () => {
    expect(parseEasing('Back')).toBe(EASINGS.back);
    expect(parseEasing('wobbly')).toBeNull();
    expect(parseDelay(1.25)).toBe(1250);
    expect(parseDelay(-1)).toBe(0);
    expect(parseDelay(99)).toBe(10_000);
    const m = motionFor('entrance', { entrance: { type: 'slide', delay: 0.5, easing: 'linear' } });
    expect(m?.delay).toBe(500);
    expect(m?.easing).toBe('linear');
    expect(motionFor('entrance', { entrance: 'pop' })?.keyframes.length).toBe(4);
    expect(motionFor('entrance', { entrance: { type: 'pop', delay: 2 } }, { reducedMotion: true })?.delay).toBe(0);
  });
  it('loops animate transform only; reduced motion and unknown kinds disable them', () => {
    for (const kind of ['pulse', 'float', 'shake', 'spin']) {
      const l = loopFor({ loop: kind });
      expect(l?.kind).toBe(kind);
      for (const k of l?.keyframes ?? []) expect(Object.keys(k).filter((x) => x !== 'offset')).toEqual(['transform']);
    }
    expect(loopFor({ loop: { type: 'spin', duration: 2 } })?.duration).toBe(2000);
    expect(loopFor({ loop: 'pulse' }, { reducedMotion: true })).toBeNull();
    expect(loopFor({ loop: 'wiggle' })).toBeNull();
    expect(loopFor({})).toBeNull();
  });
});

describe('spin wheel', () => {
  it('ends exactly on the target after whole turns', () => {
    const end = spinEnd(37, 200, 5);
    expect(((end % 360) + 360) % 360).toBeCloseTo(200, 9);
    expect(end - 37).toBeGreaterThanOrEqual(5 * 360);
    expect(end - 37).toBeLessThan(6 * 360);
  });
  it('target_segment puts that segment under the pointer', () => {
    for (const n of [2, 5, 8]) {
      for (let i = 0; i < n; i++) expect(segmentAt(targetAngle({ target_segment: i }, n) as number, n)).toBe(i);
    }
    expect(targetAngle({ target_angle: 725 }, 4)).toBe(5);
    expect(targetAngle({}, 4)).toBeNull();
  });
  it('segments from labels or maps, at least two', () => {
    expect(wheelSegments(['a', { label: 'b', color: '#ff0000' }]).map((s) => s.label)).toEqual(['a', 'b']);
    expect(wheelSegments(undefined).length).toBe(2);
  });
});

describe('text decoration', () => {
  it('stroke, shadow and line clamp', () => {
    const s = textDecorationStyle({ stroke_color: '#000', stroke_width: 4, font_size: 40, shadow: 'glow', shadow_color: '#0ff', line_clamp: 2 });
    expect(s['text-shadow']).toContain('0.1em 0 0 #000');
    expect(s['text-shadow']).toContain('0 0 6px #0ff');
    expect(s['-webkit-line-clamp']).toBe('2');
    expect(textDecorationStyle({ shadow: false })['text-shadow']).toBe('none');
    expect(textDecorationStyle({})).toEqual({});
  });
});
