import { describe, expect, it } from 'vitest';
import { SeqTracker } from './seq';

describe('SeqTracker', () => {
  it('ignores everything before the first snapshot', () => {
    const t = new SeqTracker();
    expect(t.accept(false, 1)).toBe('ignore');
    expect(t.awaitingSnapshot).toBe(true);
    expect(t.lastSeq).toBeNull();
  });

  it('applies a snapshot and then consecutive frames', () => {
    const t = new SeqTracker();
    expect(t.accept(true, 1)).toBe('apply');
    expect(t.accept(false, 2)).toBe('apply');
    expect(t.accept(false, 3)).toBe('apply');
    expect(t.lastSeq).toBe(3);
  });

  it('asks for a resync once on a gap, then ignores until the next snapshot', () => {
    const t = new SeqTracker();
    t.accept(true, 10);
    expect(t.accept(false, 12)).toBe('resync');
    expect(t.awaitingSnapshot).toBe(true);
    expect(t.accept(false, 13)).toBe('ignore');
    expect(t.accept(false, 14)).toBe('ignore');
    // The resync snapshot sets a new base, whatever its number.
    expect(t.accept(true, 15)).toBe('apply');
    expect(t.accept(false, 16)).toBe('apply');
  });

  it('treats a repeated or older seq as a gap', () => {
    const t = new SeqTracker();
    t.accept(true, 5);
    expect(t.accept(false, 5)).toBe('resync');
    const u = new SeqTracker();
    u.accept(true, 5);
    expect(u.accept(false, 3)).toBe('resync');
  });

  it('a later snapshot always resets the base, even mid-stream', () => {
    const t = new SeqTracker();
    t.accept(true, 1);
    t.accept(false, 2);
    expect(t.accept(true, 100)).toBe('apply');
    expect(t.accept(false, 101)).toBe('apply');
  });

  it('ignores frames without a usable seq', () => {
    const t = new SeqTracker();
    t.accept(true, 1);
    expect(t.accept(false, null)).toBe('ignore');
    expect(t.accept(false, 1.5)).toBe('ignore');
    expect(t.accept(true, null)).toBe('ignore');
    expect(t.accept(false, 2)).toBe('apply');
  });

  it('reset() (new connection) waits for a snapshot again', () => {
    const t = new SeqTracker();
    t.accept(true, 1);
    t.reset();
    expect(t.accept(false, 2)).toBe('ignore');
    expect(t.accept(true, 1)).toBe('apply');
  });
});
