// `properties.progress` of image elements (pure).
import { clamp, isDict, num, str } from './props';
import type { Dict } from './types';

export interface ProgressSpec {
  percent: number; // 0..100, 2 decimals
  color: string;
  trackColor: string | null;
  label: string | null;
}

export const DEFAULT_FILL = 'linear-gradient(90deg, #7C4DFF, #18D8A8)';

export function progressSpec(props: Dict): ProgressSpec | null {
  const p = props.progress;
  if (!isDict(p)) return null;
  const percent = Math.round(clamp(num(p.percent) ?? 0, 0, 100) * 100) / 100;
  return {
    percent,
    color: str(p.color)?.trim() || DEFAULT_FILL,
    trackColor: str(p.track_color)?.trim() || null,
    label: str(p.label) ?? null,
  };
}
