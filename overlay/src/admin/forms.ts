// The form generator: ParamSpec (PROTOCOL.md) -> input controls, form values -> request
// payloads, and a local check that mirrors the daemon's validator for as-you-type hints.
// Pure (no DOM, no Vue): unit-tested in forms.test.ts.
//
// The daemon stays the one validator: Execute always asks it, and the message it returns
// (`field: "parameters.<name>"`) is shown beside that field. The local check only gives an
// early hint; it never changes what is sent.

import { resolveCssColor } from './colors';
import type { Dict, ParamSpec } from './types';

/** What a field holds while being edited. Numbers stay text so nothing typed is lost. */
export type FieldValue = string | boolean | string[];
export type FormValues = Record<string, FieldValue>;
export type FieldErrors = Record<string, string>;

export type ControlKind = 'select' | 'multiselect' | 'switch' | 'text' | 'color' | 'number' | 'range' | 'media';

export interface FieldControl {
  name: string;
  kind: ControlKind;
  label: string;
  description: string;
  required: boolean;
  options: string[];
  min?: number;
  max?: number;
  step?: number;
  maxLength?: number;
  /** `decimal` when only non-negative numbers are allowed (phone keypad), else `text`. */
  inputMode?: 'decimal' | 'text';
  /** Short rule shown under the field, e.g. "10 – 1000, steps of 10". */
  hint: string;
  /** The default as shown to people, e.g. "#FF5733", or "" when there is none. */
  defaultText: string;
  /** A select with an empty "not set" choice (optional without a default). */
  allowEmpty: boolean;
}

const KIND: Record<ParamSpec['type'], ControlKind> = {
  dropdown: 'select',
  multiselect: 'multiselect',
  checkbox: 'switch',
  text: 'text',
  color: 'color',
  number: 'number',
  slider: 'range',
  media: 'media',
};

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  // Avoid 0.30000000000000004 from step arithmetic.
  return String(Number(n.toPrecision(12)));
}

function listText(options: readonly string[]): string {
  if (options.length <= 1) return options.join('');
  return `${options.slice(0, -1).join(', ')} or ${options[options.length - 1]}`;
}

function rangeText(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `${formatNumber(min)} – ${formatNumber(max)}`;
  if (min !== undefined) return `at least ${formatNumber(min)}`;
  if (max !== undefined) return `at most ${formatNumber(max)}`;
  return '';
}

function valueText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(String).join(', ');
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'number') return formatNumber(v);
  return String(v);
}

/** One control for one spec. */
export function fieldControl(spec: ParamSpec): FieldControl {
  const kind = KIND[spec.type] ?? 'text';
  const options = spec.options ?? [];
  let hint = '';
  switch (spec.type) {
    case 'dropdown':
      hint = '';
      break;
    case 'multiselect':
      hint = options.length ? `Any of ${listText(options)}` : '';
      break;
    case 'number':
    case 'slider': {
      const r = rangeText(spec.min, spec.max);
      const s = spec.step !== undefined && spec.step > 0 && spec.step !== 1 ? `steps of ${formatNumber(spec.step)}` : '';
      hint = [r, s].filter(Boolean).join(', ');
      break;
    }
    case 'text':
      hint = spec.max_length !== undefined ? `Up to ${spec.max_length} characters` : '';
      break;
    case 'color':
      hint = '#RRGGBB or a color name';
      break;
    case 'media':
      hint = `${mediaWords(spec, true)} from the media library`;
      break;
    default:
      hint = '';
  }
  const c: FieldControl = {
    name: spec.name,
    kind,
    label: spec.display_name || spec.name,
    description: spec.description ?? '',
    required: !spec.optional,
    options,
    hint,
    defaultText: valueText(spec.default),
    allowEmpty: spec.type === 'dropdown' && spec.default === undefined,
  };
  if (spec.min !== undefined) c.min = spec.min;
  if (spec.max !== undefined) c.max = spec.max;
  if (spec.step !== undefined) c.step = spec.step;
  if (spec.max_length !== undefined) c.maxLength = spec.max_length;
  if (kind === 'number' || kind === 'range') c.inputMode = spec.min !== undefined && spec.min >= 0 ? 'decimal' : 'text';
  return c;
}

/** "an image", "a video", "an audio file" for a `media` parameter. */
function mediaWords(spec: ParamSpec, capital: boolean): string {
  const words = spec.media_kind === 'audio' ? 'an audio file' : spec.media_kind === 'video' ? 'a video' : spec.media_kind === 'image' ? 'an image' : 'a file';
  return capital ? words.charAt(0).toUpperCase() + words.slice(1) : words;
}

export function buildForm(specs: readonly ParamSpec[]): FieldControl[] {
  return specs.map(fieldControl);
}

/** The value a field starts with: the current value if there is one, else the default. */
export function initialValue(spec: ParamSpec, current?: unknown): FieldValue {
  const v = current !== undefined && current !== null ? current : spec.default;
  switch (spec.type) {
    case 'checkbox':
      return v === true;
    case 'multiselect':
      return Array.isArray(v) ? v.map(String) : [];
    case 'media':
      if (spec.multiple) return Array.isArray(v) ? v.map(String) : [];
      return v === undefined || v === null ? '' : String(v);
    case 'number':
      return typeof v === 'number' ? formatNumber(v) : typeof v === 'string' ? v : '';
    case 'slider':
      if (typeof v === 'number') return formatNumber(v);
      if (typeof v === 'string') return v;
      return spec.min !== undefined ? formatNumber(spec.min) : '0';
    default:
      return v === undefined || v === null ? '' : String(v);
  }
}

export function initialValues(specs: readonly ParamSpec[], current?: Dict): FormValues {
  const out: FormValues = {};
  for (const s of specs) out[s.name] = initialValue(s, current?.[s.name]);
  return out;
}

/**
 * Brings a form in line with (possibly changed) specs: keeps what the person typed,
 * adds new fields with their defaults, drops fields that no longer exist, and follows a
 * changed default for fields nobody touched.
 */
export function reconcileValues(specs: readonly ParamSpec[], values: FormValues, touched: ReadonlySet<string>): FormValues {
  const out: FormValues = {};
  for (const s of specs) {
    const v = values[s.name];
    out[s.name] = v !== undefined && touched.has(s.name) ? v : initialValue(s);
  }
  return out;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses typed number text; `null` when it is not a plain number. */
export function parseNumber(text: string): number | null {
  const t = text.trim().replace(/,/g, '.');
  if (!NUMERIC.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/**
 * One field as it goes on the wire: `undefined` = leave it out (the daemon fills the
 * default, or says it is required). What cannot be converted is sent as typed, so the
 * daemon's message explains it.
 */
export function wireValue(spec: ParamSpec, value: FieldValue | undefined): unknown {
  if (value === undefined) return undefined;
  switch (spec.type) {
    case 'checkbox':
      return value === true;
    case 'multiselect':
      return Array.isArray(value) ? [...value] : [];
    case 'media':
    case 'number':
    case 'slider': {
      if (spec.type === 'media' && spec.multiple) return Array.isArray(value) ? value.map((v) => parseNumber(v) ?? v) : [];
      const t = String(value).trim();
      if (t === '') return undefined;
      const n = parseNumber(t);
      return n === null ? t : n;
    }
    case 'dropdown':
    case 'color': {
      const t = String(value).trim();
      return t === '' ? undefined : t;
    }
    case 'text': {
      const t = String(value);
      return t === '' && spec.optional ? undefined : t;
    }
    default:
      return value;
  }
}

/** Feature parameters for `POST /api/widgets/{id}/execute`. */
export function buildPayload(specs: readonly ParamSpec[], values: FormValues): Dict {
  const out: Dict = {};
  for (const s of specs) {
    const v = wireValue(s, values[s.name]);
    if (v !== undefined) out[s.name] = v;
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (typeof a === 'string' && typeof b === 'string') return a.trim().toLowerCase() === b.trim().toLowerCase();
  return a === b;
}

/**
 * Widget parameters for `PATCH /api/widgets/{id}`: only what changed against the stored
 * values (the daemon merges), `null` for fields emptied or reset to their default.
 */
export function changedParams(
  specs: readonly ParamSpec[],
  values: FormValues,
  current: Dict,
  resets: ReadonlySet<string> = new Set(),
): Dict {
  const out: Dict = {};
  for (const s of specs) {
    if (resets.has(s.name)) {
      out[s.name] = null;
      continue;
    }
    const now = current[s.name] ?? s.default;
    const v = wireValue(s, values[s.name]);
    if (v === undefined) {
      if (now !== undefined && now !== null) out[s.name] = null;
      continue;
    }
    if (!sameValue(v, now)) out[s.name] = v;
  }
  return out;
}

/**
 * `#abc` / `#AABBCC` / a CSS color name -> `#AABBCC`; `null` otherwise. Hex is read here;
 * names are the browser's own CSS parsing (colors.ts), not a second hand-kept table.
 */
export function parseColor(input: string): string | null {
  const s = input.trim();
  if (s.startsWith('#')) {
    const hex = s.slice(1);
    if (!/^[0-9a-fA-F]+$/.test(hex)) return null;
    if (hex.length === 6) return `#${hex.toUpperCase()}`;
    if (hex.length === 3) return `#${[...hex.toUpperCase()].map((c) => c + c).join('')}`;
    return null;
  }
  // Only names: the daemon accepts hex and CSS names, so rgb()/hsl() stay "unknown" here too.
  if (!/^[a-z]+$/i.test(s)) return null;
  return resolveCssColor(s.toLowerCase());
}

/** The value for an `<input type=color>` (lowercase #rrggbb), or `fallback` when unparsable. */
export function swatchHex(value: string, fallback = '#000000'): string {
  return (parseColor(value) ?? fallback).toLowerCase();
}

/**
 * The local hint for one field (mirrors the daemon's rules), or `null` when it looks fine.
 * Only a hint: the daemon's answer is what counts.
 */
export function checkField(spec: ParamSpec, value: FieldValue | undefined): string | null {
  const label = spec.display_name || spec.name;
  const v = wireValue(spec, value);
  if (v === undefined) {
    return spec.optional || spec.default !== undefined ? null : `${label} is required`;
  }
  switch (spec.type) {
    case 'dropdown': {
      const ok = (spec.options ?? []).some((o) => o.toLowerCase() === String(v).toLowerCase());
      return ok ? null : `Pick one of ${listText(spec.options ?? [])}`;
    }
    case 'multiselect': {
      const opts = (spec.options ?? []).map((o) => o.toLowerCase());
      const bad = (v as string[]).find((x) => !opts.includes(x.toLowerCase()));
      return bad === undefined ? null : `"${bad}" is not one of ${listText(spec.options ?? [])}`;
    }
    case 'checkbox':
      return null;
    case 'text': {
      const n = [...String(v)].length;
      return spec.max_length !== undefined && n > spec.max_length
        ? `Too long: ${n} characters, at most ${spec.max_length}`
        : null;
    }
    case 'color':
      return parseColor(String(v)) ? null : 'Use a color like #FF5733 or a CSS color name';
    case 'media': {
      const ids = Array.isArray(v) ? v : [v];
      if (spec.max_items !== undefined && ids.length > spec.max_items) return `At most ${spec.max_items} files`;
      return ids.every((id) => typeof id === 'number' && Number.isInteger(id) && id > 0) ? null : `Pick ${mediaWords(spec, false)} from the library`;
    }
    case 'number':
    case 'slider': {
      if (typeof v !== 'number') return 'Enter a number';
      if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
        return `Must be ${rangeText(spec.min, spec.max)}`;
      }
      if (spec.step !== undefined && spec.step > 0) {
        const k = (v - (spec.min ?? 0)) / spec.step;
        if (Math.abs(k - Math.round(k)) > 1e-6) return `Must be a multiple of ${formatNumber(spec.step)}`;
      }
      return null;
    }
    default:
      return null;
  }
}

/** Required parameters (no default) that the form leaves empty. */
export function missingRequired(specs: readonly ParamSpec[], values: FormValues): ParamSpec[] {
  return specs.filter((s) => !s.optional && s.default === undefined && s.type !== 'checkbox' && wireValue(s, values[s.name]) === undefined);
}

/** "A, B and C" for messages. */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * The daemon's validator words messages for API users ("parameter 'target' is required (one
 * of …)"); people see the field's label instead of its id: "Target is required".
 */
export function peopleWords(message: string, specs: readonly ParamSpec[]): string {
  const m = /^parameter '([^']+)' (.*)$/s.exec(message.trim());
  if (!m) return message;
  const name = m[1] ?? '';
  const rest = m[2] ?? '';
  const spec = specs.find((x) => x.name === name);
  const label = spec?.display_name || (name ? name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' ') : name);
  if (/^is required\b/.test(rest)) return `${label} is required`;
  return `${label} ${rest}`;
}

export function checkForm(specs: readonly ParamSpec[], values: FormValues): FieldErrors {
  const out: FieldErrors = {};
  for (const s of specs) {
    const e = checkField(s, values[s.name]);
    if (e) out[s.name] = e;
  }
  return out;
}

/**
 * Which form field a daemon error belongs to: `parameters.color` with prefix `parameters`
 * -> `color`. `null` when the error is about something else (shown for the whole form).
 */
export function errorField(apiField: string | null | undefined, prefix: string, names: readonly string[]): string | null {
  if (!apiField) return null;
  const f = prefix ? (apiField.startsWith(`${prefix}.`) ? apiField.slice(prefix.length + 1) : null) : apiField;
  return f !== null && names.includes(f) ? f : null;
}

/** One step up or down for the arrow keys in a number field, clamped to the range. */
export function stepValue(spec: ParamSpec, text: string, direction: 1 | -1): string {
  const step = spec.step && spec.step > 0 ? spec.step : 1;
  const n = parseNumber(text);
  let next = n === null ? (spec.default as number | undefined) ?? spec.min ?? 0 : n + direction * step;
  if (spec.min !== undefined && spec.step) {
    // Snap to the step grid the daemon checks against.
    next = spec.min + Math.round((next - spec.min) / step) * step;
  }
  if (spec.min !== undefined) next = Math.max(spec.min, next);
  if (spec.max !== undefined) next = Math.min(spec.max, next);
  return formatNumber(next);
}

/** Toggles one option of a multiselect, keeping the spec's option order. */
export function toggleOption(spec: ParamSpec, selected: readonly string[], option: string): string[] {
  const set = new Set(selected);
  if (set.has(option)) set.delete(option);
  else set.add(option);
  const order = spec.options ?? [];
  return [...order.filter((o) => set.has(o)), ...[...set].filter((o) => !order.includes(o))];
}

/** "intensity=High color=#FF0000" style summary of parameters (activity feed, commands). */
export function summarizeParams(params: unknown): { name: string; value: string; color: string | null }[] {
  if (!params || typeof params !== 'object' || Array.isArray(params)) return [];
  return Object.entries(params as Dict).map(([name, v]) => {
    const value = valueText(v);
    const color = typeof v === 'string' && /^#[0-9a-fA-F]{3,6}$/.test(v) ? parseColor(v) : null;
    return { name, value, color };
  });
}
