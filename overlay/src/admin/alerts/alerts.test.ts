import { describe, expect, it } from 'vitest';
import {
  clock,
  clockOffset,
  dropIndex,
  durationText,
  EMPTY_QUEUE,
  kindInfo,
  localTimes,
  missingWidgetHint,
  parseAlertTarget,
  progress,
  queueNames,
  queueState,
  reorder,
  sameOrder,
  stateHint,
  timeLeft,
  waitedFor,
  type QueueView,
} from './alerts';

const a = (id: number) => ({ id, widget_id: 1, kind: 'sub', label: `A${id}`, priority: 0, duration_ms: 7000, queued_ms: 0 });
const q = (over: Partial<QueueView>): QueueView => ({ ...EMPTY_QUEUE, ...over });

describe('queue state', () => {
  it('playing beats paused and waiting', () => {
    expect(queueState(q({ playing: { ...a(1), started_ms: 0, ends_ms: 1 }, paused: true }), 0)).toBe('playing');
  });
  it('paused, idle, waiting for an overlay', () => {
    expect(queueState(q({ paused: true, waiting: [a(1)] }), 0)).toBe('paused');
    expect(queueState(q({}), 0)).toBe('idle');
    expect(queueState(q({ waiting: [a(1)] }), 0)).toBe('waiting');
    expect(queueState(q({ waiting: [a(1)] }), 1)).toBe('idle'); // the gap between alerts
    expect(queueState(q({ waiting: [a(1)] }), null)).toBe('idle');
  });
  it('hints count the waiting ones', () => {
    expect(stateHint('paused', q({ waiting: [a(1), a(2)] }))).toMatch(/^2 alerts waiting/);
    expect(stateHint('waiting', q({ waiting: [a(1)] }))).toMatch(/1 alert waiting.*overlay/);
    expect(stateHint('idle', q({}))).toMatch(/play here/);
  });
});

describe('time', () => {
  it('progress and time left', () => {
    expect(progress(1000, 3000, 2000)).toBe(0.5);
    expect(progress(1000, 3000, 9000)).toBe(1);
    expect(progress(1000, 3000, 0)).toBe(0);
    expect(progress(5, 5, 0)).toBe(1);
    expect(timeLeft(10_000, 2_500)).toBe('0:08 left');
    expect(timeLeft(70_000, 0)).toBe('1:10 left');
    expect(timeLeft(1000, 1000)).toBe('ending…');
  });
  it('clock offset from the Date header', () => {
    expect(clockOffset(null, 0, 10)).toBe(0);
    expect(clockOffset('garbage', 0, 10)).toBe(0);
    const sent = Date.parse('2026-12-06T21:00:00Z');
    expect(clockOffset('Sun, 06 Dec 2026 21:00:00 GMT', sent, sent + 20)).toBe(0);
    expect(clockOffset('Sun, 06 Dec 2026 21:00:30 GMT', sent, sent + 20)).toBe(30_490);
    expect(localTimes({ started_ms: 40_000, ends_ms: 47_000 }, 30_000)).toEqual({ start: 10_000, end: 17_000 });
  });
  it('waited and durations', () => {
    expect(waitedFor(0, 12_400)).toBe('12s');
    expect(waitedFor(0, 185_000)).toBe('3m');
    expect(waitedFor(0, 3_900_000)).toBe('1h 5m');
    expect(waitedFor(0, 7_200_000)).toBe('2h');
    expect(waitedFor(5000, 0)).toBe('0s');
    expect(clock(65)).toBe('1:05');
    expect(durationText(7000)).toBe('7s');
    expect(durationText(1500)).toBe('1.5s');
  });
});

describe('kinds', () => {
  it('words, icons, hints', () => {
    expect(kindInfo('sub').label).toBe('Sub');
    expect(kindInfo('gift').widgetClass).toBe('SubscriberAlertWidget');
    expect(kindInfo('weird').icon).toBe('zap');
    expect(missingWidgetHint('follow')).toBe('Add a Follower Alert widget to a dashboard first');
    expect(missingWidgetHint('gift')).toBe('Add a Subscriber Alert widget to a dashboard first');
  });
  it('play_alert targets', () => {
    expect(parseAlertTarget('PixelQueen subscribed (tier 2, 14 months) (queue main)')).toEqual({ label: 'PixelQueen subscribed (tier 2, 14 months)', queue: 'main' });
    expect(parseAlertTarget('odd')).toEqual({ label: 'odd', queue: null });
  });
});

describe('reorder', () => {
  it('moves and clamps', () => {
    expect(reorder([1, 2, 3], 2, 0)).toEqual([3, 1, 2]);
    expect(reorder([1, 2, 3], 0, 9)).toEqual([2, 3, 1]);
    expect(reorder([1, 2, 3], 5, 0)).toEqual([1, 2, 3]);
    expect(reorder([1, 2, 3], 1, -1)).toEqual([2, 1, 3]);
  });
  it('drop positions', () => {
    // drag the last onto the upper half of the first: to the top
    expect(reorder([1, 2, 3], 2, dropIndex(2, 0, false))).toEqual([3, 1, 2]);
    // drag the first onto the lower half of the last: to the end
    expect(reorder([1, 2, 3], 0, dropIndex(0, 2, true))).toEqual([2, 3, 1]);
    // onto itself: no change
    expect(sameOrder(reorder([1, 2, 3], 1, dropIndex(1, 1, false)), [1, 2, 3])).toBe(true);
    expect(sameOrder(reorder([1, 2, 3], 1, dropIndex(1, 1, true)), [1, 2, 3])).toBe(true);
    expect(sameOrder([1], [1, 2])).toBe(false);
  });
  it('queue names: main first, widget queues without alerts yet', () => {
    expect(queueNames({ queues: { zeta: EMPTY_QUEUE, main: EMPTY_QUEUE } }, ['big', ''])).toEqual(['main', 'big', 'zeta']);
    expect(queueNames(null, [])).toEqual([]);
  });
});
