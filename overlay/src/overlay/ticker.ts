// The `ticker` property of text elements (pure): a seamless marquee. The view
// lays out two copies of the text side by side and moves the pair by exactly
// one copy's width per cycle, so the loop has no seam; only transform is
// animated (compositor only).
import { clamp, dict, isDict, num, str } from './props';
import type { Dict } from './types';

export interface TickerSpec {
  /** Pixels per second. */
  speed: number;
  direction: 'left' | 'right';
  running: boolean;
  /** Space after each copy, px. */
  gap: number;
}

const DEFAULT_SPEED = 120;
const DEFAULT_GAP = 96;

/** The element's ticker, or null when it is plain text. */
export function tickerSpec(props: Dict): TickerSpec | null {
  if (!isDict(props.ticker)) return null;
  const t = dict(props.ticker);
  return {
    speed: clamp(num(t.speed) ?? DEFAULT_SPEED, 1, 2000),
    direction: str(t.direction)?.toLowerCase() === 'right' ? 'right' : 'left',
    running: t.running !== false,
    gap: clamp(num(t.gap) ?? DEFAULT_GAP, 0, 2000),
  };
}

/** Keyframes and cycle length for copies `copyWidth` px wide (gap included). */
export function tickerMotion(spec: TickerSpec, copyWidth: number): { keyframes: Keyframe[]; duration: number } | null {
  if (!(copyWidth > 0)) return null;
  const from = 'translateX(0px)';
  const to = `translateX(${-Math.round(copyWidth * 100) / 100}px)`;
  return {
    keyframes: spec.direction === 'left' ? [{ transform: from }, { transform: to }] : [{ transform: to }, { transform: from }],
    duration: Math.max(250, (copyWidth / spec.speed) * 1000),
  };
}
