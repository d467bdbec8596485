import { describe, expect, it } from 'vitest';
import { motionFor, loopFor } from '../overlay/motion';
import { BehaviorError, behaviorDraft, behaviorPatch, behaviorValue, previewBehavior } from './behavior';

describe('behaviour pickers', () => {
  it('start from what the overlay does today (a 0.3 s fade, no loop)', () => {
    const d = behaviorDraft({});
    expect(d.entrance).toEqual({ type: 'fade', duration: '0.3', delay: '0', easing: '', direction: 'up' });
    expect(d.loop.type).toBe('none');
    expect(behaviorPatch(d, {})).toEqual({});
  });

  it('read strings, aliases and objects', () => {
    const d = behaviorDraft({ entrance: 'Bounce', exit: { type: 'slide', duration: 0.6, delay: 1, easing: 'back', direction: 'left' }, loop: 'spin' });
    expect(d.entrance.type).toBe('pop');
    expect(d.exit).toEqual({ type: 'slide', duration: '0.6', delay: '1', easing: 'back', direction: 'left' });
    expect(d.loop).toEqual({ type: 'spin', duration: '4', intensity: '1' });
  });

  it('patch only what changed; a removed loop is null', () => {
    const current = { entrance: { type: 'pop', duration: 0.4 }, exit: { type: 'fade', duration: 0.5 }, loop: { type: 'pulse' } };
    const d = behaviorDraft(current);
    d.entrance.delay = '0,5';
    d.entrance.easing = 'snappy';
    d.loop.type = 'none';
    expect(behaviorPatch(d, current)).toEqual({ entrance: { type: 'pop', duration: 0.4, delay: 0.5, easing: 'snappy' }, loop: null });
  });

  it('name the field that is out of range', () => {
    const d = behaviorDraft({});
    d.exit.duration = '12';
    expect(() => behaviorValue(d)).toThrow(BehaviorError);
    try {
      behaviorValue(d);
    } catch (e) {
      expect((e as BehaviorError).field).toBe('exit.duration');
    }
    const l = behaviorDraft({ loop: 'float' });
    l.loop.intensity = '5';
    expect(() => behaviorValue(l)).toThrow(/Loop strength/);
  });

  it('what is saved is what the overlay animates', () => {
    const d = behaviorDraft({});
    d.entrance = { type: 'slide', duration: '0.8', delay: '0.25', easing: 'ease-out', direction: 'right' };
    d.loop = { type: 'shake', duration: '0.5', intensity: '2' };
    const b = behaviorValue(d);
    const m = motionFor('entrance', b);
    expect(m).toMatchObject({ duration: 800, delay: 250 });
    expect(m?.keyframes[0]).toMatchObject({ transform: 'translateX(80px)' });
    expect(loopFor(b)).toMatchObject({ kind: 'shake', duration: 500 });
  });

  it('the preview keeps playing while a number is half typed', () => {
    const d = behaviorDraft({ entrance: 'pop' });
    d.entrance.duration = '0.';
    d.entrance.duration = 'abc';
    const b = previewBehavior(d);
    expect(b.entrance).toMatchObject({ type: 'pop' });
    expect(motionFor('entrance', b)).not.toBeNull();
  });
});
