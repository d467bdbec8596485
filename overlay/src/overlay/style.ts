// Element properties -> CSS declarations, as plain maps (pure, testable).
// The DOM side applies them with style.setProperty and removes what is gone,
// so an update never rewrites unrelated styles.
import { clamp, dict, isDict, num, str } from './props';
import type { Dict } from './types';

/** CSS property (kebab-case or --custom) -> value. */
export type StyleMap = Record<string, string>;

export const STAGE_WIDTH = 1920;
export const STAGE_HEIGHT = 1080;

// Numbers given for these properties stay unitless; all others get "px".
const UNITLESS = new Set([
  'opacity', 'z-index', 'font-weight', 'line-height', 'flex', 'flex-grow', 'flex-shrink', 'order',
  'zoom', 'scale', 'fill-opacity', 'stroke-opacity', 'animation-iteration-count', 'column-count',
  'orphans', 'widows', 'tab-size', 'aspect-ratio',
]);

const NAME_RE = /^(--[A-Za-z0-9_-]+|-?[a-z][a-z0-9-]*)$/;
const MAX_VALUE_LEN = 2000;

/** "backgroundColor" -> "background-color", "WebkitTextStroke" -> "-webkit-text-stroke". */
export function toKebab(name: string): string {
  if (name.startsWith('--')) return name;
  let n = name.replace(/^(Webkit|Moz|Ms|O)(?=[A-Z])/, (p) => `-${p.toLowerCase()}`);
  n = n.replace(/^ms(?=[A-Z])/, '-ms');
  return n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function cssValue(prop: string, v: unknown): string | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    return UNITLESS.has(prop) || prop.startsWith('--') || v === 0 ? String(v) : `${v}px`;
  }
  if (typeof v === 'string') {
    const t = v.trim();
    return t !== '' && t.length <= MAX_VALUE_LEN ? t : undefined;
  }
  return undefined;
}

/** The user's free-form `css` object, normalized; anything unusable is skipped. */
export function cssDeclarations(css: unknown): StyleMap {
  const out: StyleMap = {};
  if (!isDict(css)) return out;
  for (const [rawName, rawValue] of Object.entries(css)) {
    const name = toKebab(rawName.trim());
    if (!NAME_RE.test(name)) continue;
    const value = cssValue(name, rawValue);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function px(v: number): string {
  return `${Math.round(v * 100) / 100}px`;
}

/** Placement on the 1920x1080 stage: goes on the outer `.element` node. */
export function wrapperStyle(props: Dict, fullStage = false): StyleMap {
  const out: StyleMap = {};
  const pos = dict(props.position);
  const size = dict(props.size);
  const z = num(pos.z_index);
  if (z !== undefined) out['z-index'] = String(Math.round(z));
  if (fullStage) {
    // Effects (confetti) own the whole stage whatever their position says.
    out.left = '0px';
    out.top = '0px';
    out.width = `${STAGE_WIDTH}px`;
    out.height = `${STAGE_HEIGHT}px`;
    return out;
  }
  const x = num(pos.x);
  const y = num(pos.y);
  if (x !== undefined) out.left = px(x);
  if (y !== undefined) out.top = px(y);
  const w = num(size.width);
  const h = num(size.height);
  if (w !== undefined && w >= 0) out.width = px(w);
  if (h !== undefined && h >= 0) out.height = px(h);
  return out;
}

export const FONT_STACK_VAR = 'var(--sh-font)';

/** Typography shared by text, counter and timer. */
export function typographyStyle(props: Dict): StyleMap {
  const out: StyleMap = {};
  const size = num(props.font_size);
  if (size !== undefined && size > 0) out['font-size'] = px(clamp(size, 1, 1000));
  const color = str(props.color);
  if (color) out.color = color;
  const family = str(props.font_family)?.trim();
  // Keep our stack as fallback so a missing font never ends up as Times.
  if (family) out['font-family'] = `${family}, ${FONT_STACK_VAR}`;
  const weight = str(props.font_weight);
  if (weight) out['font-weight'] = weight;
  const align = str(props.align);
  if (align === 'left' || align === 'center' || align === 'right') out['text-align'] = align;
  return out;
}

/**
 * Look of the inner content node: opacity, typography for textual types and
 * finally the user's `css`, which wins over everything derived.
 */
export function contentStyle(props: Dict, elementType: string): StyleMap {
  const out: StyleMap = {};
  const opacity = num(props.opacity);
  if (opacity !== undefined) out.opacity = String(clamp(opacity, 0, 1));
  if (elementType === 'text' || elementType === 'counter' || elementType === 'timer') {
    Object.assign(out, typographyStyle(props));
  }
  Object.assign(out, cssDeclarations(props.css));
  return out;
}

/** What to set and what to remove to go from `prev` to `next`. */
export function diffStyle(prev: StyleMap, next: StyleMap): { set: Array<[string, string]>; remove: string[] } {
  const set: Array<[string, string]> = [];
  const remove: string[] = [];
  for (const k of Object.keys(prev)) if (!(k in next)) remove.push(k);
  for (const [k, v] of Object.entries(next)) if (prev[k] !== v) set.push([k, v]);
  return { set, remove };
}
