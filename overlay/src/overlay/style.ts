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

/**
 * Placement on the 1920x1080 stage: goes on the outer `.element` node. Inside
 * a `stack` the stack positions the element: x/y are ignored.
 */
export function wrapperStyle(props: Dict, fullStage = false, inStack = false): StyleMap {
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
  if (x !== undefined && !inStack) out.left = px(x);
  if (y !== undefined && !inStack) out.top = px(y);
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

const SHADOWS: Record<string, (c: string) => string> = {
  soft: () => '0 2px 2px rgba(0, 0, 0, 0.55), 0 4px 14px rgba(0, 0, 0, 0.45), 0 0 28px rgba(0, 0, 0, 0.25)',
  strong: () => '0 3px 0 rgba(0, 0, 0, 0.85), 0 6px 18px rgba(0, 0, 0, 0.7)',
  glow: (c) => `0 0 6px ${c}, 0 0 18px ${c}, 0 0 36px ${c}`,
};

/** An outline drawn with eight offset shadows (works on every Chromium, unlike paint-order). */
export function outlineShadow(color: string, widthEm: number): string {
  const w = Math.round(widthEm * 1000) / 1000;
  const d = Math.round(widthEm * 0.73 * 1000) / 1000;
  return [`-${w}em 0 0 ${color}`, `${w}em 0 0 ${color}`, `0 -${w}em 0 ${color}`, `0 ${w}em 0 ${color}`,
    `-${d}em -${d}em 0 ${color}`, `${d}em -${d}em 0 ${color}`, `-${d}em ${d}em 0 ${color}`, `${d}em ${d}em 0 ${color}`].join(', ');
}

/**
 * Stroke, shadow and line clamp of textual elements:
 * `stroke` (bool), `stroke_color`, `stroke_width` (px, as a share of the font
 * size it scales with it), `shadow` (false | "none" | "soft" | "strong" |
 * "glow"), `shadow_color` (glow colour), `line_clamp` (max lines, ellipsis).
 * Nothing is returned for absent keys, so the stylesheet's defaults apply.
 */
export function textDecorationStyle(props: Dict): StyleMap {
  const out: StyleMap = {};
  const strokeColor = str(props.stroke_color)?.trim();
  const strokeWidth = num(props.stroke_width);
  const stroke = props.stroke === true || !!strokeColor || (strokeWidth !== undefined && strokeWidth > 0);
  const rawShadow = props.shadow;
  const shadowKind = rawShadow === false ? 'none' : (str(rawShadow)?.trim().toLowerCase() ?? (rawShadow === true ? 'soft' : undefined));
  if (stroke || shadowKind !== undefined) {
    const parts: string[] = [];
    if (stroke) {
      const size = num(props.font_size) ?? 48;
      const em = strokeWidth !== undefined && strokeWidth > 0 ? clamp(strokeWidth, 0.5, 40) / Math.max(1, size) : 0.055;
      parts.push(outlineShadow(strokeColor || 'rgba(0, 0, 0, 0.9)', em));
    }
    const kind = shadowKind ?? 'soft';
    const make = SHADOWS[kind];
    if (make) parts.push(make(str(props.shadow_color)?.trim() || 'rgba(124, 77, 255, 0.9)'));
    out['text-shadow'] = parts.length > 0 ? parts.join(', ') : 'none';
  }
  const clampLines = num(props.line_clamp);
  if (clampLines !== undefined && clampLines >= 1) {
    out.display = '-webkit-box';
    out['-webkit-box-orient'] = 'vertical';
    out['-webkit-line-clamp'] = String(Math.round(clamp(clampLines, 1, 100)));
    out.overflow = 'hidden';
  }
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
    Object.assign(out, typographyStyle(props), textDecorationStyle(props));
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
