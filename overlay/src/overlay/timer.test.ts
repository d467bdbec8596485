import { describe, expect, it } from 'vitest';
import { formatClock, timerState, timerText } from './timer';

describe('formatClock', () => {
  it('formats mm:ss under an hour', () => {
    expect(formatClock(0)).toBe('00:00');
    expect(formatClock(5_000)).toBe('00:05');
    expect(formatClock(65_000)).toBe('01:05');
    expect(formatClock(59 * 60_000 + 59_999)).toBe('59:59');
  });

  it('formats h:mm:ss from an hour on', () => {
    expect(formatClock(3_600_000)).toBe('1:00:00');
    expect(formatClock(3_723_000)).toBe('1:02:03');
    expect(formatClock(36_000_000 + 61_000)).toBe('10:01:01');
  });

  it('rounds up for countdowns and down for count-ups', () => {
    expect(formatClock(9_200, true)).toBe('00:10');
    expect(formatClock(9_200, false)).toBe('00:09');
    expect(formatClock(10_000, true)).toBe('00:10');
    expect(formatClock(1, true)).toBe('00:01');
  });

  it('shows tenths or hundredths when asked', () => {
    expect(formatClock(83_456, false, 1)).toBe('01:23.4');
    expect(formatClock(83_456, false, 2)).toBe('01:23.45');
    expect(formatClock(3_600_050, false, 1)).toBe('1:00:00.0');
    expect(formatClock(9_210, true, 1)).toBe('00:09.3');
  });

  it('never shows negative or NaN', () => {
    expect(formatClock(-5_000)).toBe('00:00');
    expect(formatClock(Number.NaN)).toBe('00:00');
  });
});

describe('timerState', () => {
  const now = 1_700_000_000_000;

  it('countdown that has not started shows its full duration', () => {
    const s = timerState({ mode: 'countdown', duration_s: 300, started_at_ms: null }, now);
    expect(s).toMatchObject({ ms: 300_000, running: false, finished: false });
    expect(timerText({ duration_s: 300 }, now).text).toBe('05:00');
  });

  it('running countdown', () => {
    const s = timerState({ mode: 'countdown', duration_s: 60, started_at_ms: now - 15_500 }, now);
    expect(s.ms).toBe(44_500);
    expect(s.running).toBe(true);
    expect(timerText({ mode: 'countdown', duration_s: 60, started_at_ms: now - 15_500 }, now).text).toBe('00:45');
  });

  it('finished countdown stops at zero', () => {
    const s = timerState({ mode: 'countdown', duration_s: 10, started_at_ms: now - 60_000 }, now);
    expect(s).toMatchObject({ ms: 0, running: false, finished: true });
  });

  it('paused timers freeze at paused_at_ms', () => {
    const props = { mode: 'countup', started_at_ms: now - 100_000, paused_at_ms: now - 40_000 };
    expect(timerState(props, now)).toMatchObject({ ms: 60_000, running: false });
    expect(timerState(props, now + 999_999).ms).toBe(60_000);
  });

  it('count-up counts from start, capped by a positive duration', () => {
    expect(timerState({ mode: 'countup', started_at_ms: now - 90_000 }, now)).toMatchObject({ ms: 90_000, running: true });
    expect(timerState({ mode: 'countup', started_at_ms: now - 90_000, duration_s: 60 }, now)).toMatchObject({
      ms: 60_000, finished: true, running: false,
    });
  });

  it('a start in the future (clock skew) counts as zero elapsed', () => {
    expect(timerState({ mode: 'countup', started_at_ms: now + 5_000 }, now).ms).toBe(0);
  });

  it('garbage properties do not throw', () => {
    expect(timerText({ mode: 42, started_at_ms: 'x', duration_s: {} }, now).text).toBe('00:00');
  });
});
