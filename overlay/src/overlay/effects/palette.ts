// Colour lists for effects (pure).
export const FESTIVE = ['#FF3B5C', '#FFC93C', '#3BE8B0', '#3B9BFF', '#B06BFF', '#FFFFFF'];
export const HEARTS = ['#FF4D7A', '#FF7AA2', '#FF2E63', '#FF9EC4', '#E0115F'];
const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** Valid #RGB/#RRGGBB entries of `v` (a list or one string), else `fallback`. */
export function colorList(v: unknown, fallback: readonly string[]): string[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  const ok = list.filter((c): c is string => typeof c === 'string' && HEX.test(c.trim())).map((c) => c.trim());
  return ok.length > 0 ? ok : [...fallback];
}

/** Deterministic-enough pick without Math.random in pure code paths. */
export function pick<T>(list: readonly T[], r: number): T {
  return list[Math.min(list.length - 1, Math.floor(r * list.length))] as T;
}
