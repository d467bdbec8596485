// The Alerts page's pure logic: the `/api/alerts` view's types, a queue's status, time
// left on the alert that plays (on the browser's clock), kinds as words and icons, and the
// reorder maths the drag and the Move up/down buttons share.

export type AlertKind = 'follow' | 'sub' | 'gift' | 'donation' | 'raid' | 'cheer';

export interface AlertView {
  id: number;
  widget_id: number;
  kind: AlertKind | string;
  label: string;
  priority: number;
  duration_ms: number;
  queued_ms: number;
}

export interface PlayingView extends AlertView {
  started_ms: number;
  ends_ms: number;
}

export interface QueueView {
  paused: boolean;
  playing: PlayingView | null;
  waiting: AlertView[];
  last: AlertView | null;
}

export interface AlertsView {
  queues: Record<string, QueueView>;
}

export type QueueState = 'playing' | 'paused' | 'idle' | 'waiting';

export const KINDS: AlertKind[] = ['follow', 'sub', 'gift', 'donation', 'raid', 'cheer'];

interface KindInfo {
  label: string;
  icon: string;
  /** The widget class whose test alert this kind fires (gift rides on the sub alert). */
  widgetClass: string;
  widgetName: string;
}

const KIND: Record<AlertKind, KindInfo> = {
  follow: { label: 'Follow', icon: 'heart', widgetClass: 'FollowerAlertWidget', widgetName: 'Follower Alert' },
  sub: { label: 'Sub', icon: 'star', widgetClass: 'SubscriberAlertWidget', widgetName: 'Subscriber Alert' },
  gift: { label: 'Gift', icon: 'gift', widgetClass: 'SubscriberAlertWidget', widgetName: 'Subscriber Alert' },
  donation: { label: 'Donation', icon: 'coin', widgetClass: 'DonationAlertWidget', widgetName: 'Donation Alert' },
  raid: { label: 'Raid', icon: 'users', widgetClass: 'RaidAlertWidget', widgetName: 'Raid Alert' },
  cheer: { label: 'Cheer', icon: 'gem', widgetClass: 'CheerAlertWidget', widgetName: 'Cheer Alert' },
};

export const ALERT_WIDGET_CLASSES = new Set(Object.values(KIND).map((k) => k.widgetClass));

export function kindInfo(kind: string): KindInfo {
  return KIND[kind as AlertKind] ?? { label: kind ? kind[0]!.toUpperCase() + kind.slice(1) : 'Alert', icon: 'zap', widgetClass: '', widgetName: 'alert' };
}

/** The hint for a test that found no widget of its kind. */
export function missingWidgetHint(kind: string): string {
  const k = kindInfo(kind);
  return `Add a ${k.widgetName} widget to a dashboard first`;
}

/**
 * What a queue is doing. `overlays` is how many overlay pages are connected (null = not
 * known): alerts that wait while nothing plays, not paused, wait for an overlay.
 */
export function queueState(q: QueueView, overlays: number | null): QueueState {
  if (q.playing) return 'playing';
  if (q.paused) return 'paused';
  return q.waiting.length && overlays === 0 ? 'waiting' : 'idle';
}

export const STATE_TEXT: Record<QueueState, string> = {
  playing: 'Playing',
  paused: 'Paused',
  idle: 'Idle',
  waiting: 'Waiting for an overlay',
};

/** One line under the status: what the state means for the streamer. */
export function stateHint(s: QueueState, q: QueueView): string {
  const n = q.waiting.length;
  const waiting = `${n} alert${n === 1 ? '' : 's'} waiting`;
  switch (s) {
    case 'playing':
      return n ? `${waiting} after this one` : 'Nothing waiting after this one';
    case 'paused':
      return n ? `${waiting}. New alerts queue up until you resume.` : 'New alerts queue up until you resume.';
    case 'waiting':
      return `${waiting}. They play once an overlay page (OBS) is connected.`;
    case 'idle':
      return n ? `${waiting}; the next one starts in a moment.` : 'Alerts play here as they come in.';
  }
}

/**
 * The playing alert's start and end on the browser's clock. The server's times are
 * shifted by `offsetMs` (server clock minus browser clock), estimated when the view arrived.
 */
export function localTimes(p: Pick<PlayingView, 'started_ms' | 'ends_ms'>, offsetMs: number): { start: number; end: number } {
  return { start: p.started_ms - offsetMs, end: p.ends_ms - offsetMs };
}

/**
 * The server-to-browser clock offset from a response: its `Date` header (whole seconds)
 * against the midpoint of the request. 0 when there is no usable header, or when the
 * difference is within the header's one-second resolution.
 */
export function clockOffset(dateHeader: string | null, sentMs: number, receivedMs: number): number {
  if (!dateHeader) return 0;
  const server = Date.parse(dateHeader);
  if (Number.isNaN(server)) return 0;
  const mid = (sentMs + receivedMs) / 2;
  const off = server + 500 - mid; // the header truncates to the second: its middle
  return Math.abs(off) <= 1500 ? 0 : Math.round(off);
}

/** Progress 0..1 of the playing alert at `now` (browser clock). */
export function progress(start: number, end: number, now: number): number {
  if (end <= start) return 1;
  return Math.min(1, Math.max(0, (now - start) / (end - start)));
}

/** "0:07 left", "1:05 left"; "ending…" at zero. */
export function timeLeft(end: number, now: number): string {
  const s = Math.ceil((end - now) / 1000);
  if (s <= 0) return 'ending…';
  return `${clock(s)} left`;
}

/** Seconds as m:ss. */
export function clock(totalS: number): string {
  const s = Math.max(0, Math.round(totalS));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** How long an alert has waited: "12s", "3m", "1h 5m". */
export function waitedFor(queuedMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - queuedMs) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
}

/** Duration in seconds for a badge: "7s", "1.5s". */
export function durationText(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
}

/** The waiting ids after moving the one at `from` to `to` (clamped). */
export function reorder(ids: readonly number[], from: number, to: number): number[] {
  const out = [...ids];
  if (from < 0 || from >= out.length) return out;
  const [id] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(out.length, to)), 0, id as number);
  return out;
}

/**
 * Where a dragged row lands when dropped on row `over`: on its upper half it goes before,
 * on its lower half after. Returns the index for `reorder` (after the dragged one is taken out).
 */
export function dropIndex(from: number, over: number, lowerHalf: boolean): number {
  let to = lowerHalf ? over + 1 : over;
  if (from < to) to -= 1;
  return to;
}

/** The same order? (Skip the request when a drop changes nothing.) */
export function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Queue names to show: every queue the daemon has, plus those alert widgets name (none played yet). */
export function queueNames(view: AlertsView | null, widgetQueues: readonly string[]): string[] {
  const names = new Set(Object.keys(view?.queues ?? {}));
  for (const q of widgetQueues) if (q) names.add(q);
  return [...names].sort((a, b) => (a === 'main' ? -1 : b === 'main' ? 1 : a.localeCompare(b)));
}

export const EMPTY_QUEUE: QueueView = { paused: false, playing: null, waiting: [], last: null };

/** A `play_alert` audit entry's label and queue, from its target "Label (queue main)". */
export function parseAlertTarget(target: string): { label: string; queue: string | null } {
  const m = /^(.*)\s\(queue ([^()]+)\)$/.exec(target.trim());
  return m ? { label: m[1]!, queue: m[2]! } : { label: target, queue: null };
}

/** The kind an alert widget class plays (sub for the Subscriber alert, which also does gifts). */
export function kindOfWidget(widgetClass: string): AlertKind | null {
  const hit = KINDS.find((k) => KIND[k].widgetClass === widgetClass);
  return hit ?? null;
}
