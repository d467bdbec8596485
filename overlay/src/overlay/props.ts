// Tolerant readers for element properties. The daemon's widgets produce a
// known schema, but stored data can be hand-edited or old: every reader
// returns undefined (or a default) instead of throwing on a wrong type.
import type { Dict, MediaDetail, OverlayElement } from './types';

export function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function dict(v: unknown): Dict {
  return isDict(v) ? v : {};
}

/** A finite number; numeric strings ("12", "1.5") are accepted too. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Media an alert's variation picked for this showing (PROTOCOL.md: role `variation`). */
const VARIATION_ROLE = 'variation';

/**
 * The media assigned to `role`; an alert variation's pick of the same kind comes first, and
 * failing both, the first media whose MIME type matches.
 */
export function mediaFor(el: OverlayElement, role: string): MediaDetail | undefined {
  const picked = el.media_details.find((m) => m.role === VARIATION_ROLE && m.mime_type.startsWith(`${role}/`));
  if (picked) return picked;
  const byRole = el.media_details.find((m) => m.role === role);
  if (byRole) return byRole;
  return el.media_details.find((m) => m.mime_type.startsWith(`${role}/`));
}

/** `trigger_id` of an element, or null when it has none. */
export function triggerId(el: OverlayElement): number | null {
  const t = num(el.properties.trigger_id);
  return t === undefined ? null : t;
}

/** What is on screen: the widget is on the active dashboard and the element is visible. */
export function isShown(el: OverlayElement): boolean {
  return el.visible && el.enabled;
}

/** Structural equality of decoded MessagePack values (maps, arrays, scalars). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    // NaN never arrives from msgpack ints, but treat NaN == NaN for safety.
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  const ak = Object.keys(a as Dict);
  const bk = Object.keys(b as Dict);
  if (ak.length !== bk.length) return false;
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Dict)[k], (b as Dict)[k])) return false;
  }
  return true;
}
