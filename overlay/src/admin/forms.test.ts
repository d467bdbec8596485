import { describe, expect, it } from 'vitest';
import {
  buildForm,
  buildPayload,
  changedParams,
  checkField,
  checkForm,
  errorField,
  fieldControl,
  formatNumber,
  initialValue,
  initialValues,
  listWords,
  missingRequired,
  parseColor,
  peopleWords,
  parseNumber,
  reconcileValues,
  stepValue,
  summarizeParams,
  swatchHex,
  toggleOption,
  wireValue,
} from './forms';
import { setColorResolver } from './colors';
import type { ParamSpec } from './types';

// Node has no CSS parser: stand in for the browser's (the browser tests use the real one).
setColorResolver((name) => ({ red: '#FF0000', rebeccapurple: '#663399' })[name] ?? null);

// The specs the daemon sends for ConfettiAlertWidget and friends (GET /api/widget-types).
const intensity: ParamSpec = { name: 'intensity', type: 'dropdown', display_name: 'Intensity', optional: false, options: ['Low', 'Medium', 'High'] };
const color: ParamSpec = { name: 'color', type: 'color', display_name: 'Color', optional: true, default: '#FF5733' };
const particles: ParamSpec = {
  name: 'particle_count',
  type: 'slider',
  display_name: 'Particle count',
  description: 'Particles per burst at Medium intensity.',
  optional: true,
  default: 100,
  min: 10,
  max: 1000,
  step: 10,
};
const amount: ParamSpec = { name: 'amount', type: 'number', display_name: 'Amount', optional: false, min: 0.01, max: 1_000_000, step: 0.01 };
const donor: ParamSpec = { name: 'donor_name', type: 'text', display_name: 'Donor name', optional: true, max_length: 5 };
const loud: ParamSpec = { name: 'loud', type: 'checkbox', display_name: 'Loud', optional: true, default: false };
const tags: ParamSpec = { name: 'tags', type: 'multiselect', display_name: 'Tags', optional: true, options: ['a', 'b', 'c'] };
const offset: ParamSpec = { name: 'offset', type: 'number', display_name: 'Offset', optional: true, min: -50, max: 50 };

describe('fieldControl: one control per ParamSpec type', () => {
  it('maps every type to its input', () => {
    const kinds = buildForm([intensity, tags, loud, donor, color, amount, particles]).map((c) => c.kind);
    expect(kinds).toEqual(['select', 'multiselect', 'switch', 'text', 'color', 'number', 'range']);
  });

  it('carries label, required/optional, options, range and limits', () => {
    const c = fieldControl(intensity);
    expect(c).toMatchObject({ name: 'intensity', label: 'Intensity', required: true, options: ['Low', 'Medium', 'High'], allowEmpty: true });
    const p = fieldControl(particles);
    expect(p).toMatchObject({ required: false, min: 10, max: 1000, step: 10, inputMode: 'decimal', defaultText: '100' });
    expect(p.hint).toBe('10 – 1000, steps of 10');
    expect(p.description).toBe('Particles per burst at Medium intensity.');
    expect(fieldControl(donor)).toMatchObject({ maxLength: 5, hint: 'Up to 5 characters' });
    expect(fieldControl(color)).toMatchObject({ defaultText: '#FF5733', hint: '#RRGGBB or a color name' });
    expect(fieldControl(offset).inputMode).toBe('text'); // negative numbers need the minus key
    expect(fieldControl(tags).hint).toBe('Any of a, b or c');
  });

  it('a dropdown with a default has no empty choice', () => {
    expect(fieldControl({ ...intensity, optional: true, default: 'Medium' }).allowEmpty).toBe(false);
  });

  it('falls back to the name when there is no display name', () => {
    expect(fieldControl({ ...donor, display_name: '' }).label).toBe('donor_name');
  });
});

describe('initial values: defaults pre-filled, current values win', () => {
  it('uses defaults', () => {
    expect(initialValues([intensity, color, particles, amount, donor, loud, tags])).toEqual({
      intensity: '',
      color: '#FF5733',
      particle_count: '100',
      amount: '',
      donor_name: '',
      loud: false,
      tags: [],
    });
  });

  it('prefers current values (widget parameters)', () => {
    const v = initialValues([particles, color, loud, tags], { particle_count: 250, color: '#00FF00', loud: true, tags: ['b'] });
    expect(v).toEqual({ particle_count: '250', color: '#00FF00', loud: true, tags: ['b'] });
  });

  it('a slider without default starts at its minimum', () => {
    expect(initialValue({ ...particles, default: undefined })).toBe('10');
  });

  it('keeps touched fields and follows new defaults for untouched ones', () => {
    const next = reconcileValues([{ ...color, default: '#00FF00' }, intensity], { color: '#FF5733', intensity: 'High', gone: 'x' }, new Set(['intensity']));
    expect(next).toEqual({ color: '#00FF00', intensity: 'High' });
  });
});

describe('payload for POST /execute', () => {
  it('converts numbers, leaves empty optional fields to the daemon', () => {
    const values = { intensity: 'High', color: '#00ff88', particle_count: '250', amount: '12.5', donor_name: '', loud: true, tags: ['a'] };
    expect(buildPayload([intensity, color, particles, amount, donor, loud, tags], values)).toEqual({
      intensity: 'High',
      color: '#00ff88',
      particle_count: 250,
      amount: 12.5,
      loud: true,
      tags: ['a'],
    });
  });

  it('omits an empty required field so the daemon says it is required', () => {
    expect(buildPayload([intensity, amount], { intensity: '', amount: '  ' })).toEqual({});
  });

  it('sends what cannot be converted as typed, for the daemon to explain', () => {
    expect(buildPayload([amount, color], { amount: '12abc', color: 'notacolor' })).toEqual({ amount: '12abc', color: 'notacolor' });
  });

  it('sends out-of-range numbers as numbers (the daemon rejects them with its message)', () => {
    expect(wireValue(amount, '-5')).toBe(-5);
    expect(wireValue(particles, '5000')).toBe(5000);
  });

  it('accepts a decimal comma', () => {
    expect(wireValue(amount, '2,5')).toBe(2.5);
  });

  it('keeps an empty required text (the daemon decides)', () => {
    expect(wireValue({ ...donor, optional: false }, '')).toBe('');
  });
});

describe('changed widget parameters for PATCH', () => {
  const specs = [particles, color, loud];
  const current = { particle_count: 100, color: '#FF5733', loud: false };

  it('sends only what changed', () => {
    expect(changedParams(specs, { particle_count: '250', color: '#ff5733', loud: false }, current)).toEqual({ particle_count: 250 });
  });

  it('sends nothing when nothing changed', () => {
    expect(changedParams(specs, initialValues(specs, current), current)).toEqual({});
  });

  it('null for resets and for emptied fields', () => {
    expect(changedParams(specs, { particle_count: '', color: '#FF5733', loud: false }, { ...current, particle_count: 300 }, new Set(['color']))).toEqual({
      particle_count: null,
      color: null,
    });
  });
});

describe('local check mirrors the daemon (hints only)', () => {
  it('flags out-of-range, off-step and non-numbers', () => {
    expect(checkField(amount, '-5')).toBe('Must be 0.01 – 1000000');
    expect(checkField(particles, '15')).toBe('Must be a multiple of 10');
    expect(checkField(particles, '250')).toBeNull();
    expect(checkField(amount, '12abc')).toBe('Enter a number');
    expect(checkField(amount, '0.1')).toBeNull(); // float step arithmetic must not trip
  });

  it('knows required, options, length and colors', () => {
    expect(checkField(intensity, '')).toBe('Intensity is required');
    expect(checkField(intensity, 'high')).toBeNull();
    expect(checkField(intensity, 'Extreme')).toBe('Pick one of Low, Medium or High');
    expect(checkField(donor, 'toolong')).toBe('Too long: 7 characters, at most 5');
    expect(checkField(color, 'rebeccapurple')).toBeNull();
    expect(checkField(color, '#abc')).toBeNull();
    expect(checkField(color, 'purple-ish')).toBe('Use a color like #FF5733 or a CSS color name');
    expect(checkField(tags, ['a', 'z'])).toBe('"z" is not one of a, b or c');
    expect(checkField(color, '')).toBeNull(); // optional with default
  });

  it('checks a whole form', () => {
    expect(checkForm([intensity, amount, color], { intensity: 'High', amount: '2000000', color: '#FFF' })).toEqual({ amount: 'Must be 0.01 – 1000000' });
  });
});

describe('daemon errors land beside their field', () => {
  const names = ['intensity', 'color'];
  it('maps parameters.<name> to the field', () => {
    expect(errorField('parameters.color', 'parameters', names)).toBe('color');
    expect(errorField('widget_parameters.color', 'widget_parameters', names)).toBe('color');
  });
  it('returns null for other fields (shown for the whole form)', () => {
    expect(errorField('feature', 'parameters', names)).toBeNull();
    expect(errorField('parameters.nope', 'parameters', names)).toBeNull();
    expect(errorField(null, 'parameters', names)).toBeNull();
    expect(errorField('color', '', names)).toBe('color');
  });
});

describe('helpers', () => {
  it('parses colors like the daemon', () => {
    expect(parseColor('#abc')).toBe('#AABBCC');
    expect(parseColor(' Red ')).toBe('#FF0000');
    expect(parseColor('#12345')).toBeNull();
    expect(parseColor('#GGGGGG')).toBeNull();
    expect(swatchHex('red')).toBe('#ff0000');
    expect(swatchHex('nope', '#123456')).toBe('#123456');
    expect(parseColor('rgb(1,2,3)')).toBeNull(); // the daemon takes hex and names only
  });

  it('words daemon messages for people', () => {
    const target: ParamSpec = { name: 'target', type: 'dropdown', display_name: 'Target', optional: false, options: ['A', 'B'] };
    expect(peopleWords("parameter 'target' is required (one of A, B)", [target])).toBe('Target is required');
    expect(peopleWords("parameter 'particle_count' must be from 10 to 1000 (got 5)", [particles])).toBe(`${particles.display_name} must be from 10 to 1000 (got 5)`);
    expect(peopleWords("parameter 'no_spec' must be text, got 3", [])).toBe('No spec must be text, got 3');
    expect(peopleWords('widget 3 not found', [target])).toBe('widget 3 not found');
  });

  it('finds required fields left empty before sending', () => {
    expect(missingRequired([intensity, color, donor], { intensity: '', color: '', donor_name: '' }).map((s) => s.name)).toEqual(['intensity']);
    expect(missingRequired([intensity], { intensity: 'High' })).toEqual([]);
    expect(listWords(['A', 'B', 'C'])).toBe('A, B and C');
  });

  it('parses numbers strictly', () => {
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('0x10')).toBeNull();
    expect(parseNumber('Infinity')).toBeNull();
  });

  it('steps with the arrow keys, snapped and clamped', () => {
    expect(stepValue(particles, '100', 1)).toBe('110');
    expect(stepValue(particles, '1000', 1)).toBe('1000');
    expect(stepValue(particles, '10', -1)).toBe('10');
    expect(stepValue(particles, 'abc', 1)).toBe('100');
    expect(stepValue(amount, '0.1', 1)).toBe('0.11');
  });

  it('formats numbers without float noise', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(100)).toBe('100');
  });

  it('toggles multiselect options in spec order', () => {
    expect(toggleOption(tags, ['c'], 'a')).toEqual(['a', 'c']);
    expect(toggleOption(tags, ['a', 'c'], 'a')).toEqual(['c']);
  });

  it('summarizes parameters for the activity feed', () => {
    expect(summarizeParams({ intensity: 'High', color: '#f00', n: 3, tags: ['a', 'b'] })).toEqual([
      { name: 'intensity', value: 'High', color: null },
      { name: 'color', value: '#f00', color: '#FF0000' },
      { name: 'n', value: '3', color: null },
      { name: 'tags', value: 'a, b', color: null },
    ]);
    expect(summarizeParams(null)).toEqual([]);
  });
});

describe('media parameters', () => {
  const image: ParamSpec = { name: 'image', type: 'media', display_name: 'Image', optional: false, media_kind: 'image' };

  it('picks a library file and sends its id', () => {
    const c = fieldControl(image);
    expect(c.kind).toBe('media');
    expect(c.hint).toBe('An image from the media library');
    expect(initialValue(image, 7)).toBe('7');
    expect(buildPayload([image], { image: '7' })).toEqual({ image: 7 });
    expect(buildPayload([image], { image: '' })).toEqual({});
  });

  it('hints until a file is picked', () => {
    expect(checkField(image, '')).toBe('Image is required');
    expect(checkField(image, 'x')).toBe('Pick an image from the library');
    expect(checkField(image, '3')).toBeNull();
    expect(checkField({ ...image, media_kind: 'audio' }, 'x')).toBe('Pick an audio file from the library');
  });
});

describe('media list parameters', () => {
  const images: ParamSpec = { name: 'images', type: 'media', display_name: 'Images', optional: true, default: [], media_kind: 'image', multiple: true, max_items: 2 };

  it('keeps the ids in order and sends numbers', () => {
    expect(initialValue(images, [3, 1])).toEqual(['3', '1']);
    expect(buildPayload([images], { images: ['3', '1'] })).toEqual({ images: [3, 1] });
    expect(checkField(images, ['3', '1'])).toBeNull();
    expect(checkField(images, ['1', '2', '3'])).toBe('At most 2 files');
  });
});

