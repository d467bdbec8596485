// CSS color names through the browser's own parser (a canvas 2D context's `fillStyle`
// normalises any valid color to `#rrggbb`), instead of a hand-kept copy of the CSS table.
// Outside a browser (unit tests) a resolver can be injected.

export type ColorResolver = (name: string) => string | null;

let ctx: CanvasRenderingContext2D | null | undefined;

function browserResolver(name: string): string | null {
  if (typeof document === 'undefined') return null;
  if (ctx === undefined) ctx = document.createElement('canvas').getContext('2d');
  if (!ctx || (typeof CSS !== 'undefined' && !CSS.supports('color', name))) return null;
  // An invalid value leaves fillStyle unchanged: probe from two different colors.
  ctx.fillStyle = '#000000';
  ctx.fillStyle = name;
  const a = String(ctx.fillStyle);
  ctx.fillStyle = '#ffffff';
  ctx.fillStyle = name;
  const b = String(ctx.fillStyle);
  if (a !== b || !/^#[0-9a-f]{6}$/i.test(a)) return null; // invalid, or not opaque (transparent)
  return a.toUpperCase();
}

let resolver: ColorResolver = browserResolver;
const cache = new Map<string, string | null>();

/** `rebeccapurple` -> `#663399`; `null` for anything the browser does not read as an opaque color. */
export function resolveCssColor(name: string): string | null {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const v = resolver(name);
  cache.set(name, v);
  return v;
}

/** For tests outside a browser. */
export function setColorResolver(r: ColorResolver): void {
  resolver = r;
  cache.clear();
}
