// Keyboard shortcuts: 1–9 activate dashboards; any other key (with or without modifiers)
// can be bound to a widget feature. Bindings live in localStorage. Pure apart from the
// storage object passed in.

export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  metaKey?: boolean;
}

export interface HotkeyTarget {
  widget_id: number;
  feature: string;
}

export type Bindings = Record<string, HotkeyTarget>;

export const STORAGE_KEY = 'stagehand.admin.hotkeys';

const MODIFIER_KEYS = new Set(['Control', 'Alt', 'Shift', 'Meta', 'AltGraph', 'CapsLock', 'Dead', 'Unidentified']);

/** Keys that never become shortcuts (they drive the page itself). */
const UNBINDABLE = new Set(['Tab', 'Escape', 'Enter', ' ', 'Backspace']);

/**
 * A stable name for a key press, e.g. `Ctrl+Shift+C`, `F5`, `Q`; `null` for a bare
 * modifier. Letters use the physical key (`code`) so Shift or a keyboard layout's
 * dead keys don't change them.
 */
export function comboFromEvent(e: KeyLike): string | null {
  if (MODIFIER_KEYS.has(e.key)) return null;
  let key: string;
  if (e.code && /^Key[A-Z]$/.test(e.code)) key = e.code.slice(3);
  else if (e.code && /^Digit\d$/.test(e.code)) key = e.code.slice(5);
  else if (e.code && /^Numpad\d$/.test(e.code)) key = `Num${e.code.slice(6)}`;
  else if (e.key.length === 1) key = e.key.toUpperCase();
  else key = e.key;
  const mods: string[] = [];
  if (e.ctrlKey) mods.push('Ctrl');
  if (e.altKey) mods.push('Alt');
  if (e.shiftKey) mods.push('Shift');
  if (e.metaKey) mods.push('Meta');
  return [...mods, key].join('+');
}

/** 1–9 without modifiers (top row or keypad) -> dashboard index 0–8; else null. */
export function dashboardIndex(e: KeyLike): number | null {
  if (e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return null;
  const m = /^(?:Digit|Numpad)([1-9])$/.exec(e.code ?? '') ?? /^([1-9])$/.exec(e.key);
  return m ? Number(m[1]) - 1 : null;
}

/** Why a combo can't be bound, or null if it can. */
export function bindError(combo: string): string | null {
  const parts = combo.split('+');
  const key = parts[parts.length - 1] ?? '';
  const mods = parts.length > 1;
  if (!mods && /^[1-9]$/.test(key)) return '1–9 switch dashboards; pick another key';
  if (!mods && /^Num[1-9]$/.test(key)) return '1–9 switch dashboards; pick another key';
  if (UNBINDABLE.has(key) || key === 'Space') return `${key === ' ' ? 'Space' : key} is used by the page; pick another key`;
  if (!mods && key === '?') return '? opens the shortcut list; pick another key';
  return null;
}

/** Shown in key caps: `Ctrl+Shift+C` -> ["Ctrl", "Shift", "C"]. */
export function comboParts(combo: string): string[] {
  return combo.split('+').map((p) => (p === ' ' ? 'Space' : p));
}

export function loadBindings(storage: Pick<Storage, 'getItem'> | null): Bindings {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    if (!raw) return {};
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: Bindings = {};
    for (const [combo, t] of Object.entries(parsed as Record<string, unknown>)) {
      if (t && typeof t === 'object') {
        const { widget_id, feature } = t as Record<string, unknown>;
        if (typeof widget_id === 'number' && typeof feature === 'string') out[combo] = { widget_id, feature };
      }
    }
    return out;
  } catch {
    return {};
  }
}

export function saveBindings(storage: Pick<Storage, 'setItem'> | null, b: Bindings): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(b));
  } catch {
    // Private mode or full storage: bindings then last for this page only.
  }
}

/** Binds `combo` to `target`, replacing any other combo bound to the same feature. */
export function bind(b: Bindings, combo: string, target: HotkeyTarget): Bindings {
  const out: Bindings = {};
  for (const [c, t] of Object.entries(b)) {
    if (c !== combo && !(t.widget_id === target.widget_id && t.feature === target.feature)) out[c] = t;
  }
  out[combo] = { ...target };
  return out;
}

export function unbind(b: Bindings, target: HotkeyTarget): Bindings {
  const out: Bindings = {};
  for (const [c, t] of Object.entries(b)) {
    if (!(t.widget_id === target.widget_id && t.feature === target.feature)) out[c] = t;
  }
  return out;
}

/** Drops bindings of widgets that no longer exist. */
export function pruneBindings(b: Bindings, widgetIds: ReadonlySet<number>): Bindings {
  const out: Bindings = {};
  for (const [c, t] of Object.entries(b)) if (widgetIds.has(t.widget_id)) out[c] = t;
  return out;
}

export function comboFor(b: Bindings, target: HotkeyTarget): string | null {
  for (const [c, t] of Object.entries(b)) if (t.widget_id === target.widget_id && t.feature === target.feature) return c;
  return null;
}

/** Typing in a field must never fire shortcuts. */
export function isTypingTarget(el: { tagName?: string; isContentEditable?: boolean; type?: string } | null): boolean {
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  if (tag === 'INPUT') {
    const t = (el.type ?? 'text').toLowerCase();
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(t);
  }
  return false;
}
